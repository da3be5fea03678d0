using System.Globalization;
using System.Net;
using Masthead.Features.Comments;
using Masthead.Features.Settings;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Comments;

/// <summary>How a post's page shows its discussion: threads, replies without script, comment pages, approved comments only.</summary>
public abstract class CommentDisplayTests
{
    protected abstract DatabaseKind Kind { get; }

    private static readonly string[] Speakers = ["Ana", "Ben", "Cleo", "Dev"];

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task ReplyByForm_NestsUnderItsParent_ToTheDepthSetting_AndTheDeepestHasNoReplyLink()
    {
        await using var site = await TestSite.StartAsync(Kind, CommentForm.Relaxed());
        await site.SetOptionAsync(DiscussionSettings.Names.CommentPreviouslyApproved, "0");
        await site.SetOptionAsync(DiscussionSettings.Names.ThreadCommentsDepth, "3");
        var post = await site.AddPostAsync(Unique.Name("Thread"));
        var url = await CommentForm.UrlOfAsync(site, post);
        var client = site.Client();

        var parent = 0;
        var ids = new List<int>();
        foreach (var name in Speakers)
        {
            var page = parent == 0 ? url : $"{url}?replytocom={parent}";
            using var sent = await CommentForm.PostAsync(client, page, $"{name} speaks.", author: name, email: $"{name}@example.org");
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
            parent = await site.DbAsync(db => db.Comments.Where(c => c.AuthorName == name).Select(c => c.Id).SingleAsync());
            ids.Add(parent);
        }

        var shown = await site.PageAsync(url);
        Assert.NotNull(shown.QuerySelector($".comment-list > #comment-{ids[0]}.depth-1"));
        Assert.NotNull(shown.QuerySelector($"#comment-{ids[0]} > .children > #comment-{ids[1]}.depth-2"));
        Assert.NotNull(shown.QuerySelector($"#comment-{ids[1]} > .children > #comment-{ids[2]}.depth-3"));
        // Past the depth, a reply follows its ancestor at the deepest level rather than nesting further.
        Assert.NotNull(shown.QuerySelector($"#comment-{ids[1]} > .children > #comment-{ids[3]}.depth-3"));
        Assert.NotNull(shown.QuerySelector($"#comment-{ids[1]} .comment-reply-link"));
        Assert.Null(shown.QuerySelector($"#comment-{ids[2]} .comment-reply-link"));
        Assert.Equal("4 Comments", shown.QuerySelector("#comments-title")!.FirstChild!.TextContent.Trim());
    }

    [Fact]
    public async Task ReplyToCom_WithoutScript_PutsTheFormUnderThatComment_AndCancelLeadsBack()
    {
        await using var site = await TestSite.StartAsync(Kind, CommentForm.Relaxed());
        var post = await site.AddPostAsync(Unique.Name("Replies"));
        var first = await site.AddCommentAsync(post, "Ana", "Ana starts.");
        var url = await CommentForm.UrlOfAsync(site, post);

        var plain = await site.PageAsync(url);
        var link = plain.QuerySelector($"#comment-{first.Id} .comment-reply-link")!;
        Assert.Equal($"{url}?replytocom={first.Id}#respond", link.GetAttribute("href"));
        Assert.NotNull(plain.QuerySelector("#comments > #respond"));
        // A post's page is nobody's refusal: no error box, empty fields.
        Assert.Null(plain.QuerySelector(".comment-form-error"));
        Assert.Equal("", plain.QuerySelector("#comment")!.TextContent);

        var replying = await site.PageAsync($"{url}?replytocom={first.Id}");
        Assert.NotNull(replying.QuerySelector($"#comment-{first.Id} > #respond"));
        Assert.Null(replying.QuerySelector("#comments > #respond"));
        Assert.Equal(Id(first.Id), replying.QuerySelector("#comment_parent")!.GetAttribute("value"));
        Assert.Equal("Leave a Reply to Ana", replying.QuerySelector(".reply-title-text")!.TextContent);
        Assert.Equal($"{url}#respond", replying.QuerySelector("#cancel-comment-reply-link")!.GetAttribute("href"));
        // The script that moves the form on a click is a theme file, allowed by the page's policy.
        var script = replying.QuerySelector("script[src*='comments.js']")!.GetAttribute("src")!;
        using var asset = await site.Client().GetAsync(script);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Equal("text/javascript", asset.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Paging_LastPageFirst_OldestAtTheTop_WithWordPressCommentPageAddresses()
    {
        await using var site = await TestSite.StartAsync(Kind, CommentForm.Relaxed());
        await site.SetOptionAsync(DiscussionSettings.Names.PageComments, "1");
        await site.SetOptionAsync(DiscussionSettings.Names.CommentsPerPage, "2");
        var post = await site.AddPostAsync(Unique.Name("Long discussion"));
        var c = new List<Comment>();
        foreach (var n in new[] { "One", "Two", "Three", "Four", "Five" })
        {
            c.Add(await site.AddCommentAsync(post, n, $"{n} says."));
        }
        var reply = await site.AddCommentAsync(post, "Reply", "A reply to One.", c[0].Id);
        var url = await CommentForm.UrlOfAsync(site, post);

        string[] Names(AngleSharp.Html.Dom.IHtmlDocument page) => [.. page.QuerySelectorAll(".comment-list > .comment > article .comment-author").Select(a => a.TextContent.Replace("says", "").Trim())];

        // WordPress's defaults: the last page first, older comments at the top of each page.
        var first = await site.PageAsync(url);
        Assert.Equal(["Five"], Names(first));
        Assert.Equal("6 Comments", first.QuerySelector("#comments-title")!.FirstChild!.TextContent.Trim());
        Assert.Equal($"{url}comment-page-2/#comments", first.QuerySelector(".comments-pagination .pagination-previous a")!.GetAttribute("href"));
        var one = await site.PageAsync($"{url}comment-page-1/");
        Assert.Equal(["One", "Two"], Names(one));
        Assert.NotNull(one.QuerySelector($"#comment-{c[0].Id} .children #comment-{reply.Id}"));
        Assert.Equal(["Three", "Four"], Names(await site.PageAsync($"{url}?cpage=2")));
        using (var missing = await site.Client().GetAsync($"{url}comment-page-9/"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        using (var unslashed = await site.Client().GetAsync($"{url}comment-page-2"))
        {
            Assert.Equal($"{url}comment-page-2/", unslashed.Headers.Location?.OriginalString);
        }

        // The first page first, newer comments at the top.
        await site.SetOptionAsync(DiscussionSettings.Names.DefaultCommentsPage, "oldest");
        await site.SetOptionAsync(DiscussionSettings.Names.CommentOrder, "desc");
        Assert.Equal(["Two", "One"], Names(await site.PageAsync(url)));
        Assert.Equal(["Five"], Names(await site.PageAsync($"{url}comment-page-3/")));
    }

    [Fact]
    public async Task Visitors_SeeApprovedCommentsOnly_AndCountsAndTheWidgetCountApprovedOnly()
    {
        await using var site = await TestSite.StartAsync(Kind, CommentForm.Relaxed());
        var post = await site.AddPostAsync(Unique.Name("Moderated"));
        await site.AddCommentAsync(post, "Shown", "Approved words.");
        foreach (var (name, state) in new[] { ("Held", CommentApproval.Pending), ("Spammer", CommentApproval.Spam), ("Trashed", CommentApproval.Trash) })
        {
            await site.AddCommentAsync(post, name, $"{name} words.", approval: state);
        }
        var url = await CommentForm.UrlOfAsync(site, post);

        var page = await site.PageAsync(url);

        Assert.Equal(["Approved words."], page.QuerySelectorAll(".comment-content").Select(e => e.TextContent.Trim()));
        Assert.Equal("1 Comment", page.QuerySelector("#comments-title")!.FirstChild!.TextContent.Trim());
        var html = page.DocumentElement.OuterHtml;
        foreach (var hidden in new[] { "Held", "Spammer", "Trashed" })
        {
            Assert.DoesNotContain($"{hidden} words", html, StringComparison.Ordinal);
            Assert.DoesNotContain($"{hidden} on", page.QuerySelector(".site-inner aside, .sidebar")?.TextContent ?? "", StringComparison.Ordinal);
        }
    }
}

public sealed class SqliteCommentDisplayTests : CommentDisplayTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresCommentDisplayTests : CommentDisplayTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
