using System.Net;
using Masthead.Features.Comments;
using Masthead.Features.Settings;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Masthead.Tests.Features.Comments;

/// <summary>The comment form's defenses against spam and abuse, none of them an outside service, and none losing what a person typed.</summary>
public abstract class CommentDefensesTests
{
    protected abstract DatabaseKind Kind { get; }

    private async Task<(TestSite Site, string Url, int PostId)> StartAsync(Dictionary<string, string?> settings, FakeTimeProvider? clock = null)
    {
        var site = await TestSite.StartAsync(Kind, settings, services: clock is null ? null : s => s.AddSingleton<TimeProvider>(clock));
        await site.SetOptionAsync(DiscussionSettings.Names.CommentPreviouslyApproved, "0");
        var post = await site.AddPostAsync(Unique.Name("Defended"));
        return (site, await CommentForm.UrlOfAsync(site, post), post.Id);
    }

    private static Task<CommentApproval> ApprovalAsync(TestSite site, int postId) =>
        site.DbAsync(db => db.Comments.Where(c => c.PostId == postId).Select(c => c.Approval).SingleAsync());

    private static async Task AssertKeptAsync(HttpResponseMessage response, string text, string reason)
    {
        var page = CommentForm.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(reason, page.QuerySelector(".comment-form-error, [role=alert]")?.TextContent ?? "");
        Assert.Equal(text, page.QuerySelector("textarea")?.TextContent);
    }

    [Fact]
    public async Task Honeypot_Filled_IsStoredAsSpam_AndNotShown()
    {
        var (site, url, postId) = await StartAsync(CommentForm.Relaxed());
        await using var _ = site;

        using var sent = await CommentForm.PostAsync(site.Client(), url, "Great post, visit my shop.", change: f => f[PostComment.HoneypotField] = "robot");

        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal(CommentApproval.Spam, await ApprovalAsync(site, postId));
        Assert.DoesNotContain("visit my shop", await site.Client().GetStringAsync(url));
    }

    [Fact]
    public async Task TimingToken_SentFasterThanAnyoneTypes_IsSpam_AndATokenForAnotherPostIsSpamToo()
    {
        var (site, url, postId) = await StartAsync(CommentForm.Relaxed(("Comments:MinSecondsToWrite", "30")));
        await using var _ = site;

        (await CommentForm.PostAsync(site.Client(), url, "Instant reply.")).Dispose();
        Assert.Equal(CommentApproval.Spam, await ApprovalAsync(site, postId));

        var other = await site.AddPostAsync(Unique.Name("Other"));
        var fields = await CommentForm.FieldsAsync(site.Client(), await CommentForm.UrlOfAsync(site, other));
        fields["comment_post_ID"] = postId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        fields["comment"] = "Borrowed token.";
        fields["author"] = "B";
        fields["email"] = "b@example.org";
        (await site.Client().PostAsync(PostComment.FormAction, new FormUrlEncodedContent(fields))).Dispose();
        Assert.Equal(CommentApproval.Spam, await site.DbAsync(db => db.Comments.Where(c => c.Content == "Borrowed token.").Select(c => c.Approval).SingleAsync()));
    }

    [Fact]
    public async Task TimingToken_AfterAPauseIsFine_ButExpired_SendsTheTextBackWithAClearMessage()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var (site, url, postId) = await StartAsync(CommentForm.Relaxed(("Comments:MinSecondsToWrite", "3"), ("Comments:TokenLifetimeMinutes", "60")), clock);
        await using var _ = site;
        var client = site.Client();

        var fields = await CommentForm.FieldsAsync(client, url);
        clock.Advance(TimeSpan.FromMinutes(61));
        fields["comment"] = "Written slowly over lunch.";
        fields["author"] = "Slow";
        fields["email"] = "slow@example.org";
        using var expired = await client.PostAsync(PostComment.FormAction, new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
        await AssertKeptAsync(expired, "Written slowly over lunch.", "open for too long");
        Assert.Equal(0, await site.DbAsync(db => db.Comments.CountAsync(c => c.PostId == postId)));

        // The page sent back carries a fresh token: sent again after a moment, the comment is taken.
        var again = BrowserForm.Fields(CommentForm.Parse(await expired.Content.ReadAsStringAsync()), PostComment.FormAction);
        clock.Advance(TimeSpan.FromSeconds(10));
        using var resent = await client.PostAsync(PostComment.FormAction, new FormUrlEncodedContent(again));
        Assert.Equal(HttpStatusCode.Redirect, resent.StatusCode);
        Assert.Equal(CommentApproval.Approved, await ApprovalAsync(site, postId));
    }

    [Fact]
    public async Task NoScript_NoToken_IsHeldForModeration_NotRejected()
    {
        var (site, url, postId) = await StartAsync(CommentForm.Relaxed());
        await using var _ = site;

        using var sent = await CommentForm.PostAsync(site.Client(), url, "No script in my browser.", script: false);

        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Contains("unapproved=", sent.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(CommentApproval.Pending, await ApprovalAsync(site, postId));
    }

    [Fact]
    public async Task RateLimit_PerClient_Answers429WithTheThemePage_AndTheTextKept()
    {
        var (site, url, _) = await StartAsync(CommentForm.Relaxed(("Comments:PostsPerMinute", "2")));
        await using var __ = site;
        var client = site.Client();
        (await CommentForm.PostAsync(client, url, "One.")).Dispose();
        (await CommentForm.PostAsync(client, url, "Two.")).Dispose();

        using var third = await CommentForm.PostAsync(client, url, "Three, too soon.");

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("60", third.Headers.RetryAfter?.ToString());
        await AssertKeptAsync(third, "Three, too soon.", "too many comments");
        Assert.NotNull(CommentForm.Parse(await third.Content.ReadAsStringAsync()).QuerySelector(".site-header"));
    }

    [Fact]
    public async Task Duplicate_SaysSoInWordPressWords_AndKeepsTheText()
    {
        var (site, url, _) = await StartAsync(CommentForm.Relaxed());
        await using var __ = site;
        (await CommentForm.PostAsync(site.Client(), url, "Said once.")).Dispose();

        using var again = await CommentForm.PostAsync(site.Client(), url, "Said once.");

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        await AssertKeptAsync(again, "Said once.", CommentPosting.DuplicateMessage);
    }

    [Fact]
    public async Task Flood_SameAuthorTooFast_IsRefused_ThenTakenOnceTheWindowHasPassed()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var (site, url, postId) = await StartAsync(CommentForm.Relaxed(("Comments:FloodSeconds", "15")), clock);
        await using var _ = site;
        using (var first = await CommentForm.PostAsync(site.Client(), url, "First thought."))
        {
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        }

        using var flood = await CommentForm.PostAsync(site.Client(), url, "Second thought, right away.");
        Assert.Equal(HttpStatusCode.TooManyRequests, flood.StatusCode);
        await AssertKeptAsync(flood, "Second thought, right away.", CommentPosting.FloodMessage);

        clock.Advance(TimeSpan.FromSeconds(16));
        using var later = await CommentForm.PostAsync(site.Client(), url, "Second thought, later.");
        Assert.True(later.StatusCode == HttpStatusCode.Redirect, await later.Content.ReadAsStringAsync());
        Assert.Equal(2, await site.DbAsync(db => db.Comments.CountAsync(c => c.PostId == postId)));
    }

    [Fact]
    public async Task MaxLength_PastWordPresssLimit_IsRefused_AtTheLimitTaken()
    {
        var (site, url, postId) = await StartAsync(CommentForm.Relaxed());
        await using var _ = site;
        var tooLong = new string('a', CommentHtml.MaxLength + 1);

        using var refused = await CommentForm.PostAsync(site.Client(), url, tooLong);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        await AssertKeptAsync(refused, tooLong, "Your comment is too long.");

        using var taken = await CommentForm.PostAsync(site.Client(), url, new string('b', CommentHtml.MaxLength));
        Assert.Equal(HttpStatusCode.Redirect, taken.StatusCode);
        Assert.Equal(CommentHtml.MaxLength, await site.DbAsync(db => db.Comments.Where(c => c.PostId == postId).Select(c => c.Content.Length).SingleAsync()));
    }
}

public sealed class SqliteCommentDefensesTests : CommentDefensesTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresCommentDefensesTests : CommentDefensesTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
