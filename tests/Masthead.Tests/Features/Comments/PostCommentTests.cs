using System.Net;
using Masthead.Features.Comments;
using Masthead.Features.Posts;
using Masthead.Features.Settings;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Comments;

/// <summary>The comment form of a post's page, sent as readers and signed-in users send it, and what becomes of it.</summary>
public abstract class PostCommentTests
{
    protected abstract DatabaseKind Kind { get; }

    private Task<TestSite> SiteAsync(params (string, string?)[] settings) => TestSite.StartAsync(Kind, CommentForm.Relaxed(settings));

    private static Task<Comment> StoredAsync(TestSite site, string text) =>
        site.DbAsync(db => db.Comments.AsNoTracking().SingleAsync(c => c.Content.Contains(text)));

    private static Task<int> CountAsync(TestSite site, Post post) =>
        site.DbAsync(db => db.Posts.Where(p => p.Id == post.Id).Select(p => p.CommentCount).SingleAsync());

    [Fact]
    public async Task Guest_KnownToNobody_IsApprovedShownCountedAndKeepsAddressAndBrowser()
    {
        await using var site = await SiteAsync();
        await site.SetOptionAsync(DiscussionSettings.Names.CommentPreviouslyApproved, "0");
        var post = await site.AddPostAsync(Unique.Name("Council votes"));
        var url = await CommentForm.UrlOfAsync(site, post);
        var client = site.Client();
        client.DefaultRequestHeaders.UserAgent.ParseAdd("TestBrowser/1.0");

        using var sent = await CommentForm.PostAsync(client, url, "A fair *vote*, at last.\n\nSecond thought <b>here</b>.");

        var stored = await StoredAsync(site, "A fair");
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal($"{url}#comment-{stored.Id}", sent.Headers.Location!.OriginalString);
        Assert.Equal(CommentApproval.Approved, stored.Approval);
        Assert.Equal("Dana Reader", stored.AuthorName);
        Assert.Equal("TestBrowser/1.0", stored.Agent);
        Assert.Equal(1, await CountAsync(site, post));
        var page = await site.PageAsync(url);
        var shown = page.QuerySelector($"#comment-{stored.Id} .comment-content")!;
        Assert.Equal(2, shown.QuerySelectorAll("p").Length);
        Assert.Equal("here", shown.QuerySelector("b")?.TextContent);
        Assert.Equal("1 Comment", page.QuerySelector("#comments-title")!.FirstChild!.TextContent.Trim());
        Assert.Contains(page.QuerySelectorAll(".widget_recent_comments li, aside li"), li => li.TextContent.Contains("Dana Reader"));
    }

    [Fact]
    public async Task Guest_FirstComment_IsHeld_AndOnlyTheirOwnLinkShowsIt_WhileThePageStaysTheSameForEveryone()
    {
        await using var site = await SiteAsync();
        var post = await site.AddPostAsync(Unique.Name("Budget"));
        var url = await CommentForm.UrlOfAsync(site, post);
        var commenter = site.Client();
        var before = await site.Client().GetStringAsync(url);

        using var sent = await CommentForm.PostAsync(commenter, url, "My first word here.");

        var stored = await StoredAsync(site, "My first word");
        Assert.Equal(CommentApproval.Pending, stored.Approval);
        var location = sent.Headers.Location!.OriginalString;
        Assert.StartsWith($"{url}?unapproved={stored.Id}&moderation-hash=", location, StringComparison.Ordinal);
        var own = CommentForm.Parse(await commenter.GetStringAsync(location));
        Assert.Equal("Your comment is awaiting moderation.", own.QuerySelector($"#comment-{stored.Id} .comment-awaiting-moderation")?.TextContent);
        Assert.Contains("My first word here.", own.QuerySelector($"#comment-{stored.Id}")!.TextContent);
        // Forged or borrowed for another comment, the link shows nothing.
        var forged = CommentForm.Parse(await site.Client().GetStringAsync($"{url}?unapproved={stored.Id}&moderation-hash=abc"));
        Assert.Null(forged.QuerySelector($"#comment-{stored.Id}"));
        // Without the parameters, the commenter (with their cookies) and a stranger get the very same page as before.
        Assert.Equal(before, await commenter.GetStringAsync(url));
        Assert.Equal(before, await site.Client().GetStringAsync(url));
        Assert.Equal(0, await CountAsync(site, post));

        // Once a moderator approved them, the same author is trusted.
        await site.DbAsync(db => CommentCounts.ChangeAsync(db, [post.Id], async () =>
        {
            await db.Comments.Where(c => c.Id == stored.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Approval, CommentApproval.Approved));
            return 0;
        }));
        (await CommentForm.PostAsync(commenter, url, "And a second word.")).Dispose();
        Assert.Equal(CommentApproval.Approved, (await StoredAsync(site, "second word")).Approval);
        Assert.Equal(2, await CountAsync(site, post));
    }

    [Fact]
    public async Task SignedInUser_CommentsAsThemselves_OnlyWithTheTokenTheScriptFetches()
    {
        var newsroom = await Newsroom.StartAsync(Kind, CommentForm.Relaxed());
        await using var site = newsroom.Site;
        await site.SetOptionAsync(DiscussionSettings.Names.CommentPreviouslyApproved, "0");
        var post = await site.AddPostAsync(Unique.Name("Members"));
        var url = await CommentForm.UrlOfAsync(site, post);
        var subscriber = await newsroom.SignInAsync("subscriber");

        var anonymousPage = await site.Client().GetStringAsync(url);
        Assert.Equal(anonymousPage, await subscriber.GetStringAsync(url));
        using var sent = await CommentForm.PostAsync(subscriber, url, "Signed in and saying so.");

        var stored = await StoredAsync(site, "Signed in and saying so");
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal(newsroom.Users["subscriber"], stored.UserId);
        Assert.Equal("subscriber", stored.AuthorName);
        Assert.Equal("subscriber@example.org", stored.AuthorEmail);
        Assert.Equal(CommentApproval.Approved, stored.Approval);

        // A token that is not theirs: refused, with the text kept.
        using var forged = await CommentForm.PostAsync(subscriber, url, "Sent by somebody else.", change: f => f["__RequestVerificationToken"] = "forged");
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var refused = CommentForm.Parse(await forged.Content.ReadAsStringAsync());
        Assert.Equal("Sent by somebody else.", refused.QuerySelector("#comment")?.TextContent);
        Assert.Contains("signed-in session", refused.QuerySelector(".comment-form-error")?.TextContent);

        // No script, no token: the comment is a guest's, under the name typed.
        (await CommentForm.PostAsync(subscriber, url, "Typed without script.", author: "Guest Name", script: false)).Dispose();
        var guest = await StoredAsync(site, "Typed without script");
        Assert.Null(guest.UserId);
        Assert.Equal("Guest Name", guest.AuthorName);
    }

    [Fact]
    public async Task Editor_IsApprovedEvenWhenEveryCommentIsHeld_AndPostAuthorIsMailedOfApprovedComments()
    {
        var newsroom = await Newsroom.StartAsync(Kind, CommentForm.Relaxed());
        await using var site = newsroom.Site;
        await site.SetOptionAsync(DiscussionSettings.Names.CommentModeration, "1");
        var post = await site.AddPostAsync(Unique.Name("Editors"), p => p.AuthorId = newsroom.Users["author-a"]);
        var url = await CommentForm.UrlOfAsync(site, post);

        (await CommentForm.PostAsync(await newsroom.SignInAsync("editor"), url, "An editor's note.")).Dispose();

        var stored = await StoredAsync(site, "An editor's note");
        Assert.Equal(CommentApproval.Approved, stored.Approval);
        var mail = await site.DbAsync(db => db.MailOutbox.AsNoTracking().Where(m => m.To == "author-a@example.org").ToListAsync());
        var notice = Assert.Single(mail);
        Assert.Contains($"/admin/comments/{stored.Id}/moderate?action=trash", notice.TextBody);
        Assert.Contains("An editor's note.", notice.TextBody);
    }

    [Fact]
    public async Task HeldComment_MailsTheModerators_WithApproveSpamAndTrashLinks_UnlessSwitchedOff()
    {
        await using var site = await SiteAsync();
        await site.SetOptionAsync(SiteSettings.Names.AdminEmail, "desk@example.org");
        var post = await site.AddPostAsync(Unique.Name("Held mail"));
        var url = await CommentForm.UrlOfAsync(site, post);

        (await CommentForm.PostAsync(site.Client(), url, "Please look at this.")).Dispose();

        var stored = await StoredAsync(site, "Please look at this");
        var mail = await site.DbAsync(db => db.MailOutbox.AsNoTracking().Where(m => m.To == "desk@example.org").ToListAsync());
        var notice = Assert.Single(mail);
        Assert.Contains("Please moderate", notice.Subject);
        foreach (var action in new[] { "approve", "spam", "trash" })
        {
            Assert.Contains($"/admin/comments/{stored.Id}/moderate?action={action}", notice.TextBody);
        }

        await site.SetOptionAsync(DiscussionSettings.Names.ModerationNotify, "0");
        (await CommentForm.PostAsync(site.Client(), url, "Another to look at.", author: "Other", email: "other@example.org")).Dispose();
        Assert.Single(await site.DbAsync(db => db.MailOutbox.AsNoTracking().Where(m => m.To == "desk@example.org").ToListAsync()));
    }

    [Fact]
    public async Task Consent_RemembersNameEmailAndWebsiteInCookies_AndWithoutItForgetsThem()
    {
        await using var site = await SiteAsync();
        var post = await site.AddPostAsync(Unique.Name("Cookies"));
        var url = await CommentForm.UrlOfAsync(site, post);
        var hash = CommentForm.Parse(await site.Client().GetStringAsync(url)).QuerySelector("#respond")!.GetAttribute("data-cookie-hash");

        using var kept = await CommentForm.PostAsync(site.Client(), url, "Remember me.", change: f =>
        {
            f[PostComment.ConsentField] = "yes";
            f["url"] = "https://dana.example.org/";
        });
        var set = kept.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(set, c => c.StartsWith($"comment_author_{hash}=Dana%20Reader", StringComparison.Ordinal) && c.Contains("max-age=30000000", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(set, c => c.StartsWith($"comment_author_email_{hash}=dana%40example.org", StringComparison.Ordinal));
        Assert.Contains(set, c => c.StartsWith($"comment_author_url_{hash}=https", StringComparison.Ordinal));
        Assert.DoesNotContain(set, c => c.Contains("httponly", StringComparison.OrdinalIgnoreCase));

        using var forgotten = await CommentForm.PostAsync(site.Client(), url, "Do not remember me.");
        Assert.All(forgotten.Headers.GetValues("Set-Cookie"), c => Assert.Contains("expires=Thu, 01 Jan 1970", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task RequireNameAndEmail_MissingOrBad_IsRefusedWithTheFormFilledIn_AndOffLetsAnonymousComment()
    {
        await using var site = await SiteAsync();
        await site.SetOptionAsync(DiscussionSettings.Names.CommentPreviouslyApproved, "0");
        var post = await site.AddPostAsync(Unique.Name("Names"));
        var url = await CommentForm.UrlOfAsync(site, post);

        using var nameless = await CommentForm.PostAsync(site.Client(), url, "Who am I?", author: "", email: "");
        Assert.Equal(HttpStatusCode.BadRequest, nameless.StatusCode);
        var page = CommentForm.Parse(await nameless.Content.ReadAsStringAsync());
        Assert.Contains("Please fill the required fields.", page.QuerySelector(".comment-form-error")!.TextContent);
        Assert.Equal("Who am I?", page.QuerySelector("#comment")!.TextContent);
        Assert.Equal(post.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), page.QuerySelector("#comment_post_ID")!.GetAttribute("value"));

        using var badEmail = await CommentForm.PostAsync(site.Client(), url, "Bad address.", email: "not an address");
        Assert.Contains("Please enter a valid email address.", await badEmail.Content.ReadAsStringAsync());
        Assert.Equal("not an address", CommentForm.Parse(await badEmail.Content.ReadAsStringAsync()).QuerySelector("#email")!.GetAttribute("value"));

        await site.SetOptionAsync(DiscussionSettings.Names.RequireNameEmail, "0");
        using var anonymous = await CommentForm.PostAsync(site.Client(), url, "Nobody in particular.", author: "", email: "");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        var shown = await site.PageAsync(url);
        Assert.Contains(shown.QuerySelectorAll(".comment-author"), a => a.TextContent.Contains("Anonymous"));
    }

    [Fact]
    public async Task RegisteredUsersOnly_GuestIsRefused_AndThePageAsksThemToLogIn()
    {
        var newsroom = await Newsroom.StartAsync(Kind, CommentForm.Relaxed());
        await using var site = newsroom.Site;
        await site.SetOptionAsync(DiscussionSettings.Names.CommentRegistration, "1");
        await site.SetOptionAsync(DiscussionSettings.Names.CommentPreviouslyApproved, "0");
        var post = await site.AddPostAsync(Unique.Name("Members only"));
        var url = await CommentForm.UrlOfAsync(site, post);

        var page = await site.PageAsync(url);
        Assert.Contains("You must be logged in", page.QuerySelector(".must-log-in")!.TextContent);
        using var guest = await CommentForm.PostAsync(site.Client(), url, "Let me in.");
        Assert.Equal(HttpStatusCode.Forbidden, guest.StatusCode);
        Assert.Contains("Sorry, you must be logged in to comment.", await guest.Content.ReadAsStringAsync());

        using var member = await CommentForm.PostAsync(await newsroom.SignInAsync("subscriber"), url, "I am a member.");
        Assert.Equal(HttpStatusCode.Redirect, member.StatusCode);
        Assert.Equal(CommentApproval.Approved, (await StoredAsync(site, "I am a member")).Approval);
    }

    [Fact]
    public async Task CloseAfterDays_OldPostSaysClosedAndRefuses_NewPostAndPagesStayOpen()
    {
        await using var site = await SiteAsync();
        await site.SetOptionAsync(DiscussionSettings.Names.CloseCommentsForOldPosts, "1");
        await site.SetOptionAsync(DiscussionSettings.Names.CloseCommentsDaysOld, "14");
        var old = await site.AddPostAsync(Unique.Name("Old story"));
        var fresh = await site.AddPostAsync(Unique.Name("Fresh story"), p => p.PublishedAtUtc = DateTime.SpecifyKind(TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(-2), DateTimeKind.Utc));
        var page = await site.AddPostAsync(Unique.Name("Old page"), p => p.Type = PostType.Page);
        var oldUrl = await CommentForm.UrlOfAsync(site, old);

        var shown = await site.PageAsync(oldUrl);
        Assert.Equal("Comments are closed.", shown.QuerySelector(".comments-closed")?.TextContent);
        Assert.Null(shown.QuerySelector("#commentform"));
        var fields = new Dictionary<string, string> { ["comment_post_ID"] = old.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["comment"] = "Too late?", ["author"] = "A", ["email"] = "a@example.org" };
        using var refused = await site.Client().PostAsync(PostComment.FormAction, new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains(CommentPosting.ClosedMessage, await refused.Content.ReadAsStringAsync());
        Assert.Contains("Too late?", CommentForm.Parse(await refused.Content.ReadAsStringAsync()).QuerySelector("textarea")!.TextContent);

        Assert.NotNull((await site.PageAsync(await CommentForm.UrlOfAsync(site, fresh))).QuerySelector("#commentform"));
        Assert.NotNull((await site.PageAsync(await CommentForm.UrlOfAsync(site, page))).QuerySelector("#commentform"));
    }

    [Theory]
    [InlineData(PostStatus.Draft)]
    [InlineData(PostStatus.Private)]
    [InlineData(PostStatus.Trash)]
    [InlineData(PostStatus.Future)]
    public async Task UnpublishedPost_TakesNoComment(PostStatus status)
    {
        await using var site = await SiteAsync();
        var post = await site.AddPostAsync(Unique.Name("Hidden"), p => p.Status = status);
        var fields = new Dictionary<string, string> { ["comment_post_ID"] = post.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["comment"] = "Sneaking in.", ["author"] = "A", ["email"] = "a@example.org" };

        using var refused = await site.Client().PostAsync(PostComment.FormAction, new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(0, await site.DbAsync(db => db.Comments.CountAsync(c => c.PostId == post.Id)));
    }

    [Fact]
    public async Task ClosedAndProtectedPosts_ClosedSaysSo_ProtectedNeedsThePasswordFirst()
    {
        await using var site = await SiteAsync();
        await site.SetOptionAsync(DiscussionSettings.Names.CommentPreviouslyApproved, "0");
        var closed = await site.AddPostAsync(Unique.Name("Closed"), p => p.CommentStatus = CommentStatus.Closed);
        var locked = await site.AddPostAsync(Unique.Name("Locked"), p => p.Password = "open sesame");
        var closedUrl = await CommentForm.UrlOfAsync(site, closed);
        var lockedUrl = await CommentForm.UrlOfAsync(site, locked);

        Assert.Equal("Comments are closed.", (await site.PageAsync(closedUrl)).QuerySelector(".comments-closed")?.TextContent);
        var fields = new Dictionary<string, string> { ["comment_post_ID"] = locked.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["comment"] = "Let me say.", ["author"] = "A", ["email"] = "a@example.org" };
        var reader = site.Client();
        using (var refused = await reader.PostAsync(PostComment.FormAction, new FormUrlEncodedContent(fields)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("password protected", await refused.Content.ReadAsStringAsync());
        }
        Assert.Null((await site.PageAsync(lockedUrl)).QuerySelector("#commentform"));

        (await reader.PostAsync("/postpass", new FormUrlEncodedContent(new Dictionary<string, string> { ["post_password"] = "open sesame", ["redirect_to"] = lockedUrl }))).Dispose();
        Assert.NotNull(CommentForm.Parse(await reader.GetStringAsync(lockedUrl)).QuerySelector("#commentform"));
        using var accepted = await CommentForm.PostAsync(reader, lockedUrl, "Now I may say it.");
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal(CommentApproval.Approved, (await StoredAsync(site, "Now I may say it")).Approval);
    }

    [Theory]
    [InlineData("hold-every", "Nothing special here.", CommentApproval.Pending)]
    [InlineData("links", "See <a href=\"https://a.example/\">one</a> and https://b.example/ too.", CommentApproval.Pending)]
    [InlineData("links", "Just <a href=\"https://a.example/\">one</a> link.", CommentApproval.Approved)]
    [InlineData("moderation-word", "I sell CHEAP watches.", CommentApproval.Pending)]
    [InlineData("moderation-email", "Ordinary words.", CommentApproval.Pending)]
    [InlineData("disallowed", "Buy pills now.", CommentApproval.Trash)]
    [InlineData("none", "Ordinary words.", CommentApproval.Approved)]
    public async Task DiscussionSetting_DecidesWhatBecomesOfTheComment(string setting, string text, CommentApproval expected)
    {
        await using var site = await SiteAsync();
        await site.SetOptionAsync(DiscussionSettings.Names.CommentPreviouslyApproved, "0");
        switch (setting)
        {
            case "hold-every":
                await site.SetOptionAsync(DiscussionSettings.Names.CommentModeration, "1");
                break;
            case "moderation-word":
                await site.SetOptionAsync(DiscussionSettings.Names.ModerationKeys, "nothing\ncheap");
                break;
            case "moderation-email":
                await site.SetOptionAsync(DiscussionSettings.Names.ModerationKeys, "dana@example.org");
                break;
            case "disallowed":
                await site.SetOptionAsync(DiscussionSettings.Names.DisallowedKeys, "pills");
                break;
        }
        var post = await site.AddPostAsync(Unique.Name("Settings"));
        var url = await CommentForm.UrlOfAsync(site, post);

        using var sent = await CommentForm.PostAsync(site.Client(), url, text);

        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var stored = await site.DbAsync(db => db.Comments.AsNoTracking().SingleAsync(c => c.PostId == post.Id));
        Assert.Equal(expected, stored.Approval);
        Assert.Equal(expected == CommentApproval.Approved ? 1 : 0, await CountAsync(site, post));
        var page = await site.PageAsync(url);
        Assert.Equal(expected == CommentApproval.Approved, page.QuerySelector($"#comment-{stored.Id}") is not null);
    }
}

public sealed class SqlitePostCommentTests : PostCommentTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresPostCommentTests : PostCommentTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
