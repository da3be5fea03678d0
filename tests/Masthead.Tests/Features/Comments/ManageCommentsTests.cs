using System.Globalization;
using System.Net;
using System.Text.Json;
using AngleSharp.Html.Dom;
using Masthead.Features.Activity;
using Masthead.Features.Comments;
using Masthead.Features.Posts;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Comments;

/// <summary>
/// Admin → Comments through HTTP with real sign-ins: the views and their counts, search, one post's comments, sorting,
/// each row and bulk action, reply, quick edit, the moderation-link confirm card, the privacy tools and the menu bubble.
/// Each test works on a post of its own, so the one newsroom serves them all.
/// </summary>
public abstract class ManageCommentsTests(ManageCommentsTests.Site fixture)
{
    /// <summary>One newsroom for the class, with a signed-in client per login.</summary>
    public abstract class Site(DatabaseKind kind) : IAsyncDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly Dictionary<string, HttpClient> _clients = [];
        private Newsroom? _newsroom;

        public DatabaseKind Kind => kind;

        public async Task<(Newsroom Newsroom, HttpClient Client)> AsAsync(string login)
        {
            await _gate.WaitAsync();
            try
            {
                _newsroom ??= await Newsroom.StartAsync(kind);
                if (!_clients.TryGetValue(login, out var client))
                {
                    _clients[login] = client = await _newsroom.SignInAsync(login);
                }
                return (_newsroom, client);
            }
            finally
            {
                _gate.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_newsroom is not null)
            {
                await _newsroom.Site.DisposeAsync();
            }
            _gate.Dispose();
            GC.SuppressFinalize(this);
        }
    }

    public sealed class SqliteSite() : Site(DatabaseKind.Sqlite);

    public sealed class PostgresSite() : Site(DatabaseKind.Postgres);

    private static string Url(int postId, string extra = "") => string.Create(CultureInfo.InvariantCulture, $"/admin/comments?p={postId}{extra}");

    /// <summary>A published post of <paramref name="authorLogin"/>'s, for one test alone.</summary>
    private static async Task<Post> PostOfAsync(Newsroom newsroom, string authorLogin = "author-a") =>
        await newsroom.Site.AddPostAsync(Unique.Name("Council story"), p => p.AuthorId = newsroom.Users[authorLogin]);

    internal static Task<Comment> AddAsync(TestSite site, int postId, string author, string text, CommentApproval approval = CommentApproval.Pending,
        string email = "", string url = "", string ip = "192.0.2.10", int? userId = null, int minutes = 0) => site.DbAsync(db =>
        CommentCounts.ChangeAsync(db, [postId], async () =>
        {
            var comment = new Comment
            {
                PostId = postId,
                AuthorName = author,
                AuthorEmail = email,
                AuthorUrl = url,
                AuthorIp = ip,
                Content = text,
                Approval = approval,
                UserId = userId,
                Agent = "TestBrowser/1.0",
                CreatedAtUtc = new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc).AddMinutes(minutes),
            };
            db.Comments.Add(comment);
            await db.SaveChangesAsync();
            return comment;
        }));

    private static Task<CommentApproval?> StateAsync(TestSite site, int id) =>
        site.DbAsync(async db => (await db.Comments.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id))?.Approval);

    private static Task<int> ApprovedCountAsync(TestSite site, int postId) =>
        site.DbAsync(db => db.Posts.Where(p => p.Id == postId).Select(p => p.CommentCount).SingleAsync());

    /// <summary>Posts a form to <paramref name="action"/> with the antiforgery token of the user's Comments screen.</summary>
    internal static async Task<HttpResponseMessage> PostAsync(HttpClient client, string action, params (string Key, string Value)[] fields)
    {
        var page = TestSite.Parse(await client.GetStringAsync("/admin/profile"));
        var token = page.QuerySelector("form input[type=hidden]")!;
        var values = new List<KeyValuePair<string, string>> { new(token.GetAttribute("name")!, token.GetAttribute("value")!) };
        values.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
        return await client.PostAsync(action, new FormUrlEncodedContent(values));
    }

    private static IEnumerable<string> Authors(IHtmlDocument page) =>
        page.QuerySelectorAll(".comments-table tbody tr:not(.no-items) .comment-author strong").Select(s => s.TextContent.Trim());

    private static string Views(IHtmlDocument page) =>
        string.Join(" | ", page.QuerySelectorAll(".status-links a").Select(a => string.Join(' ', a.TextContent.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries))));

    [Fact]
    public async Task Views_OnOnePost_CountEachState_AndEachShowsItsOwn()
    {
        var (newsroom, admin) = await fixture.AsAsync("admin");
        var site = newsroom.Site;
        var post = await PostOfAsync(newsroom);
        await AddAsync(site, post.Id, "Held One", "First held.");
        await AddAsync(site, post.Id, "Held Two", "Second held.");
        await AddAsync(site, post.Id, "Fine One", "Approved one.", CommentApproval.Approved);
        await AddAsync(site, post.Id, "Fine Two", "Approved two.", CommentApproval.Approved);
        await AddAsync(site, post.Id, "Junk", "Buy pills.", CommentApproval.Spam);
        await AddAsync(site, post.Id, "Binned", "Old news.", CommentApproval.Trash);
        var adminId = await site.DbAsync(db => db.Users.Where(u => u.Login == "admin").Select(u => u.Id).SingleAsync());
        await AddAsync(site, post.Id, "Site Admin", "Thanks, all.", CommentApproval.Approved, userId: adminId);

        var all = await site.PageAsyncAs(admin, Url(post.Id));
        Assert.Equal("All (5) | Mine (1) | Pending (2) | Approved (3) | Spam (1) | Trash (1)", Views(all));
        Assert.Contains(post.Title, all.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["Fine One", "Fine Two", "Held One", "Held Two", "Site Admin"], Authors(all).Order());
        Assert.Equal(["Held One", "Held Two"], Authors(await site.PageAsyncAs(admin, Url(post.Id, "&comment_status=moderated"))).Order());
        Assert.Equal(["Fine One", "Fine Two", "Site Admin"], Authors(await site.PageAsyncAs(admin, Url(post.Id, "&comment_status=approved"))).Order());
        Assert.Equal(["Junk"], Authors(await site.PageAsyncAs(admin, Url(post.Id, "&comment_status=spam"))));
        Assert.Equal(["Binned"], Authors(await site.PageAsyncAs(admin, Url(post.Id, "&comment_status=trash"))));
        Assert.Equal(["Site Admin"], Authors(await site.PageAsyncAs(admin, Url(post.Id, "&comment_status=mine"))));
        // Held rows are marked; In Response To shows the post's approved count.
        Assert.Equal(2, all.QuerySelectorAll("tr.unapproved").Length);
        Assert.Equal("3", all.QuerySelector(".comment-response .badge")!.TextContent.Trim());
        // The whole list (no post chosen) has them too, among everyone else's.
        Assert.Contains("Held One", Authors(await site.PageAsyncAs(admin, "/admin/comments?comment_status=moderated&s=" + Uri.EscapeDataString("Held One"))));
    }

    [Fact]
    public async Task PostsList_LeadsToEachPostsComments_ForThoseWhoModerateThem()
    {
        var (newsroom, authorA) = await fixture.AsAsync("author-a");
        var post = await PostOfAsync(newsroom);
        await AddAsync(newsroom.Site, post.Id, "Fan", "Nice.", CommentApproval.Approved);

        var list = await newsroom.Site.PageAsyncAs(authorA, "/admin/posts?s=" + Uri.EscapeDataString(post.Title));
        var link = list.QuerySelector(FormattableString.Invariant($".row-actions a[href='/admin/comments?p={post.Id}']"))!;
        Assert.Equal("Comments (1)", link.TextContent.Trim());
        Assert.Equal(["Fan"], Authors(await newsroom.Site.PageAsyncAs(authorA, link.GetAttribute("href")!)));
        // Another author's post is listed to them, but its comments are not theirs to moderate.
        var others = await PostOfAsync(newsroom, "author-b");
        var theirs = await newsroom.Site.PageAsyncAs(authorA, "/admin/posts?s=" + Uri.EscapeDataString(others.Title));
        Assert.Null(theirs.QuerySelector(FormattableString.Invariant($"a[href='/admin/comments?p={others.Id}']")));
    }

    [Fact]
    public async Task List_ReadsABoundedNumberOfQueries_HoweverManyRowsItShows()
    {
        var (newsroom, admin) = await fixture.AsAsync("admin");
        var site = newsroom.Site;
        var post = await PostOfAsync(newsroom);
        await AddAsync(site, post.Id, "Only", "One.");
        async Task<int> Count()
        {
            await site.PageAsyncAs(admin, Url(post.Id));
            var before = site.Queries.Count;
            await site.PageAsyncAs(admin, Url(post.Id));
            return site.Queries.Count - before;
        }
        var one = await Count();
        for (var i = 0; i < 19; i++)
        {
            var parent = await AddAsync(site, post.Id, $"Reader {i}", "Many.", i % 2 == 0 ? CommentApproval.Approved : CommentApproval.Pending, minutes: i);
            await site.DbAsync(db => db.Comments.Where(c => c.Id == parent.Id).ExecuteUpdateAsync(set => set.SetProperty(c => c.ParentId, parent.Id - 1)));
        }

        Assert.Equal(one, await Count());
    }

    [Fact]
    public async Task EmptyViews_SayWhatIsGoingOn()
    {
        var (newsroom, admin) = await fixture.AsAsync("admin");
        var post = await PostOfAsync(newsroom);

        var none = await newsroom.Site.PageAsyncAs(admin, Url(post.Id));
        Assert.Contains("No comments on", none.QuerySelector(".empty-state")!.TextContent, StringComparison.Ordinal);
        await AddAsync(newsroom.Site, post.Id, "Fine", "Fine.", CommentApproval.Approved);
        var caughtUp = await newsroom.Site.PageAsyncAs(admin, Url(post.Id, "&comment_status=moderated"));
        Assert.Contains("all caught up", caughtUp.QuerySelector(".empty-state")!.TextContent, StringComparison.Ordinal);
        var noMatch = await newsroom.Site.PageAsyncAs(admin, Url(post.Id, "&s=zebra"));
        Assert.Contains("No comments found for “zebra”", noMatch.QuerySelector(".empty-state")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_FindsByAuthorEmailWebsiteIpAndText()
    {
        var (newsroom, admin) = await fixture.AsAsync("admin");
        var site = newsroom.Site;
        var post = await PostOfAsync(newsroom);
        await AddAsync(site, post.Id, "Marguerite", "About the budget.", email: "m@example.net", ip: "198.51.100.7");
        await AddAsync(site, post.Id, "Oskar", "About the bridge vote.", CommentApproval.Approved, url: "https://oskar.example.com/");
        await AddAsync(site, post.Id, "Priya", "Bus timetables.", ip: "203.0.113.99");

        async Task<IEnumerable<string>> Find(string words) => Authors(await site.PageAsyncAs(admin, Url(post.Id, "&s=" + Uri.EscapeDataString(words))));
        Assert.Equal(["Marguerite"], await Find("marguer"));
        Assert.Equal(["Marguerite"], await Find("m@example.NET"));
        Assert.Equal(["Oskar"], await Find("oskar.example"));
        Assert.Equal(["Priya"], await Find("203.0.113"));
        Assert.Equal(["Oskar"], await Find("BRIDGE"));
    }

    [Fact]
    public async Task Columns_SortByAuthorAndDate()
    {
        var (newsroom, admin) = await fixture.AsAsync("admin");
        var site = newsroom.Site;
        var post = await PostOfAsync(newsroom);
        await AddAsync(site, post.Id, "Bea", "b", minutes: 1);
        await AddAsync(site, post.Id, "Cy", "c", minutes: 2);
        await AddAsync(site, post.Id, "Al", "a", minutes: 3);

        Assert.Equal(["Al", "Cy", "Bea"], Authors(await site.PageAsyncAs(admin, Url(post.Id))));
        Assert.Equal(["Bea", "Cy", "Al"], Authors(await site.PageAsyncAs(admin, Url(post.Id, "&orderby=comment_date&order=asc"))));
        Assert.Equal(["Al", "Bea", "Cy"], Authors(await site.PageAsyncAs(admin, Url(post.Id, "&orderby=comment_author&order=asc"))));
        Assert.Equal(["Cy", "Bea", "Al"], Authors(await site.PageAsyncAs(admin, Url(post.Id, "&orderby=comment_author&order=desc"))));
    }

    [Fact]
    public async Task Pages_Of20_WithTheTotal()
    {
        var (newsroom, admin) = await fixture.AsAsync("admin");
        var site = newsroom.Site;
        var post = await PostOfAsync(newsroom);
        for (var i = 0; i < 23; i++)
        {
            await AddAsync(site, post.Id, $"Reader {i:00}", "Hello.", CommentApproval.Approved, minutes: i);
        }

        var first = await site.PageAsyncAs(admin, Url(post.Id));
        var second = await site.PageAsyncAs(admin, Url(post.Id, "&paged=2"));
        Assert.Equal(20, Authors(first).Count());
        Assert.Equal(["Reader 02", "Reader 01", "Reader 00"], Authors(second));
        Assert.Contains("23 comments", second.QuerySelector(".tablenav-bottom .pager-total")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RowActions_ApproveUnapproveSpamAndNotSpam_KeepTheCountAndReturnToThePreviousState()
    {
        var (newsroom, admin) = await fixture.AsAsync("admin");
        var site = newsroom.Site;
        var post = await PostOfAsync(newsroom);
        var comment = await AddAsync(site, post.Id, "Lena", "Good piece.");
        var id = comment.Id.ToString(CultureInfo.InvariantCulture);

        // The row's own form, as the browser would send it.
        using (var approved = await BrowserForm.SubmitAsync(admin, Url(post.Id), $"/admin/comments/{id}/approve", _ => { }))
        {
            Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
            Assert.Equal(Url(post.Id, "&approved=1"), approved.Headers.Location!.OriginalString);
        }
        Assert.Equal(CommentApproval.Approved, await StateAsync(site, comment.Id));
        Assert.Equal(1, await ApprovedCountAsync(site, post.Id));
        Assert.Contains("1 comment approved.", (await site.PageAsyncAs(admin, Url(post.Id, "&approved=1"))).QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);

        (await BrowserForm.SubmitAsync(admin, Url(post.Id), $"/admin/comments/{id}/spam", _ => { })).Dispose();
        Assert.Equal(CommentApproval.Spam, await StateAsync(site, comment.Id));
        Assert.Equal(0, await ApprovedCountAsync(site, post.Id));
        Assert.Equal("1", await site.DbAsync(db => db.CommentMeta.Where(m => m.CommentId == comment.Id && m.Key == "_wp_trash_meta_status").Select(m => m.Value).SingleAsync()));

        (await BrowserForm.SubmitAsync(admin, Url(post.Id, "&comment_status=spam"), $"/admin/comments/{id}/unspam", _ => { })).Dispose();
        Assert.Equal(CommentApproval.Approved, await StateAsync(site, comment.Id));
        Assert.Equal(1, await ApprovedCountAsync(site, post.Id));

        (await BrowserForm.SubmitAsync(admin, Url(post.Id), $"/admin/comments/{id}/unapprove", _ => { })).Dispose();
        Assert.Equal(CommentApproval.Pending, await StateAsync(site, comment.Id));
        Assert.Equal(0, await ApprovedCountAsync(site, post.Id));
        Assert.Contains(await site.DbAsync(db => db.Set<ActivityEntry>().Where(a => a.Action == CommentActivity.Approved).Select(a => a.Detail).ToListAsync()),
            d => d.Contains($"#{id} by Lena", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TrashAndRestore_BringBackThePreviousState_AndDeleteRemovesForGood()
    {
        var (newsroom, admin) = await fixture.AsAsync("admin");
        var site = newsroom.Site;
        var post = await PostOfAsync(newsroom);
        var held = await AddAsync(site, post.Id, "Held", "Wait for me.");
        var fine = await AddAsync(site, post.Id, "Fine", "Shown.", CommentApproval.Approved);

        using (var trashed = await PostAsync(admin, "/admin/comments/bulk", ("bulk_action", "trash"), ("delete_comments[]", held.Id.ToString(CultureInfo.InvariantCulture)),
            ("delete_comments[]", fine.Id.ToString(CultureInfo.InvariantCulture)), ("_return", Url(post.Id))))
        {
            Assert.Equal(FormattableString.Invariant($"{Url(post.Id)}&trashed=2&ids={held.Id},{fine.Id}"), trashed.Headers.Location!.OriginalString);
        }
        Assert.Equal(CommentApproval.Trash, await StateAsync(site, held.Id));
        Assert.Equal(0, await ApprovedCountAsync(site, post.Id));
        // The notice's Undo restores both, each to what it was.
        var notice = await site.PageAsyncAs(admin, FormattableString.Invariant($"{Url(post.Id)}&trashed=2&ids={held.Id},{fine.Id}"));
        Assert.Contains("2 comments moved to the Trash.", notice.QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
        var undo = notice.QuerySelector(".notice form[action='/admin/comments/bulk']")!;
        Assert.Equal("untrash", undo.QuerySelector("input[name=bulk_action]")!.GetAttribute("value"));
        var undoIds = undo.QuerySelectorAll("input[name='delete_comments[]']").Select(i => i.GetAttribute("value")!).ToArray();
        Assert.Equal([held.Id.ToString(CultureInfo.InvariantCulture), fine.Id.ToString(CultureInfo.InvariantCulture)], undoIds);
        (await PostAsync(admin, "/admin/comments/bulk", [("bulk_action", "untrash"), .. undoIds.Select(id => ("delete_comments[]", id))])).Dispose();
        Assert.Equal(CommentApproval.Pending, await StateAsync(site, held.Id));
        Assert.Equal(CommentApproval.Approved, await StateAsync(site, fine.Id));
        Assert.Equal(1, await ApprovedCountAsync(site, post.Id));
        Assert.False(await site.DbAsync(db => db.CommentMeta.AnyAsync(m => m.CommentId == held.Id)));

        // Delete permanently applies to the Trash and spam only: an approved comment stays.
        using (var refused = await PostAsync(admin, FormattableString.Invariant($"/admin/comments/{fine.Id}/delete"), ("_return", Url(post.Id))))
        {
            Assert.Contains("done=nothing", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }
        Assert.Equal(CommentApproval.Approved, await StateAsync(site, fine.Id));
        (await PostAsync(admin, FormattableString.Invariant($"/admin/comments/{held.Id}/trash"))).Dispose();
        var inTrash = await site.PageAsyncAs(admin, Url(post.Id, "&comment_status=trash"));
        Assert.Equal(["untrash", "spam", "delete"], inTrash.QuerySelectorAll("#bulk-action-top option[value]:not([value=''])").Select(o => o.GetAttribute("value")));
        (await BrowserForm.SubmitAsync(admin, Url(post.Id, "&comment_status=trash"), FormattableString.Invariant($"/admin/comments/{held.Id}/delete"), _ => { })).Dispose();
        Assert.Null(await StateAsync(site, held.Id));
    }

    [Fact]
    public async Task BulkApprove_ChangesTheTickedOnes_AndCountsTheRest()
    {
        var (newsroom, admin) = await fixture.AsAsync("admin");
        var site = newsroom.Site;
        var post = await PostOfAsync(newsroom);
        var a = await AddAsync(site, post.Id, "A", "a");
        var b = await AddAsync(site, post.Id, "B", "b");
        var spam = await AddAsync(site, post.Id, "S", "s", CommentApproval.Spam);

        using var response = await BrowserForm.SubmitAsync(admin, Url(post.Id, "&comment_status=moderated"), "/admin/comments/bulk", f =>
        {
            f["bulk_action"] = "approve";
            f["delete_comments[]"] = a.Id.ToString(CultureInfo.InvariantCulture);
        });
        Assert.Equal(CommentApproval.Approved, await StateAsync(site, a.Id));
        Assert.Equal(CommentApproval.Pending, await StateAsync(site, b.Id));

        // A mixed batch: the spam one is not in a state Approve applies to.
        using var mixed = await PostAsync(admin, "/admin/comments/bulk", ("bulk_action2", "approve"), ("apply", "bottom"),
            ("delete_comments[]", b.Id.ToString(CultureInfo.InvariantCulture)), ("delete_comments[]", spam.Id.ToString(CultureInfo.InvariantCulture)),
            ("_return", Url(post.Id)));
        Assert.Equal(Url(post.Id, "&approved=1&skipped=1"), mixed.Headers.Location!.OriginalString);
        Assert.Equal(CommentApproval.Spam, await StateAsync(site, spam.Id));
        Assert.Equal(2, await ApprovedCountAsync(site, post.Id));
    }

    [Fact]
    public async Task Reply_IsApproved_AndApprovesTheCommentItAnswers()
    {
        var (newsroom, editor) = await fixture.AsAsync("editor");
        var site = newsroom.Site;
        var post = await PostOfAsync(newsroom);
        var question = await AddAsync(site, post.Id, "Curious Reader", "When is the next meeting?");

        // The separate reply screen, where the inline form goes without script.
        var screen = await site.PageAsyncAs(editor, FormattableString.Invariant($"/admin/comments/{question.Id}/reply"));
        Assert.Contains("When is the next meeting?", screen.QuerySelector(".comment-card")!.TextContent, StringComparison.Ordinal);
        using var empty = await BrowserForm.SubmitAsync(editor, FormattableString.Invariant($"/admin/comments/{question.Id}/reply"),
            FormattableString.Invariant($"/admin/comments/{question.Id}/reply"), f => f["replycontent"] = "  ");
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);

        // The inline form under the row on the list.
        using var replied = await BrowserForm.SubmitAsync(editor, Url(post.Id), FormattableString.Invariant($"/admin/comments/{question.Id}/reply"),
            f => f["replycontent"] = "Thursday at seven.");
        Assert.Equal(Url(post.Id, "&done=replied"), replied.Headers.Location!.OriginalString);
        var reply = await site.DbAsync(db => db.Comments.AsNoTracking().SingleAsync(c => c.ParentId == question.Id));
        Assert.Equal(CommentApproval.Approved, reply.Approval);
        Assert.Equal("editor", reply.AuthorName);
        Assert.Equal(newsroom.Users["editor"], reply.UserId);
        Assert.Equal("Thursday at seven.", reply.Content);
        Assert.Equal(CommentApproval.Approved, await StateAsync(site, question.Id));
        Assert.Equal(2, await ApprovedCountAsync(site, post.Id));
        var list = await site.PageAsyncAs(editor, Url(post.Id));
        Assert.Contains("In reply to Curious Reader", list.QuerySelector(".comment-reply-to")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuickEdit_ChangesAuthorAndText_AndABadAddressComesBackWithWhatWasTyped()
    {
        var (newsroom, admin) = await fixture.AsAsync("admin");
        var site = newsroom.Site;
        var post = await PostOfAsync(newsroom);
        var comment = await AddAsync(site, post.Id, "Typo Nmae", "Teh council.", CommentApproval.Approved);
        var edit = FormattableString.Invariant($"/admin/comments/{comment.Id}/edit");

        using var saved = await BrowserForm.SubmitAsync(admin, Url(post.Id), edit, f =>
        {
            f["newcomment_author"] = "Typo Name";
            f["newcomment_author_email"] = "typo@example.org";
            f["newcomment_author_url"] = "https://typo.example.org/";
            f["content"] = "The council.";
        });
        Assert.Equal(Url(post.Id, "&done=edited"), saved.Headers.Location!.OriginalString);
        var stored = await site.DbAsync(db => db.Comments.AsNoTracking().SingleAsync(c => c.Id == comment.Id));
        Assert.Equal(("Typo Name", "typo@example.org", "https://typo.example.org/", "The council.", CommentApproval.Approved),
            (stored.AuthorName, stored.AuthorEmail, stored.AuthorUrl, stored.Content, stored.Approval));

        using var bad = await BrowserForm.SubmitAsync(admin, edit, edit, f =>
        {
            f["newcomment_author_email"] = "not an address";
            f["content"] = "Changed again.";
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var page = TestSite.Parse(await bad.Content.ReadAsStringAsync());
        Assert.Contains("e-mail address is not valid", page.QuerySelector(".notice-error")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Changed again.", page.QuerySelector("textarea#content")!.TextContent);
        Assert.Equal("The council.", await site.DbAsync(db => db.Comments.Where(c => c.Id == comment.Id).Select(c => c.Content).SingleAsync()));
    }

    [Fact]
    public async Task CommentText_IsShownAsReadersSeeIt_WithNothingThatCanRun()
    {
        var (newsroom, admin) = await fixture.AsAsync("admin");
        var post = await PostOfAsync(newsroom);
        // Stored as an import might leave it, uncleaned: the screen cleans it again before showing it.
        await AddAsync(newsroom.Site, post.Id, "<b>Bold</b>",
            "<script>window.__xss=1</script><img src=x onerror=alert(1)><strong>Kept</strong> <a href=\"javascript:alert(1)\">link</a>\n\nSecond");

        var page = await newsroom.Site.PageAsyncAs(admin, Url(post.Id));
        var text = page.QuerySelector(".comment-text")!;
        Assert.Empty(text.QuerySelectorAll("script, img, [onerror], a[href^='javascript']"));
        Assert.DoesNotContain("__xss", text.InnerHtml, StringComparison.Ordinal);
        Assert.Equal("Kept", text.QuerySelector("strong")?.TextContent);
        Assert.Equal(2, text.QuerySelectorAll("p").Length);
        Assert.Empty(page.QuerySelectorAll(".comment-author b"));
    }

    [Fact]
    public async Task Author_SeesAndModeratesOnlyTheCommentsOnTheirOwnPosts_EvenByDirectPost()
    {
        var (newsroom, authorA) = await fixture.AsAsync("author-a");
        var site = newsroom.Site;
        var own = await PostOfAsync(newsroom, "author-a");
        var others = await PostOfAsync(newsroom, "author-b");
        var mine = await AddAsync(site, own.Id, "On A's", "Hello A.");
        var theirs = await AddAsync(site, others.Id, "On B's", "Hello B.");

        var list = await site.PageAsyncAs(authorA, "/admin/comments?comment_status=moderated&s=Hello");
        Assert.Contains("On A's", Authors(list));
        Assert.DoesNotContain("On B's", Authors(list));
        Assert.Empty(Authors(await site.PageAsyncAs(authorA, Url(others.Id))));

        foreach (var verb in (string[])["approve", "spam", "trash"])
        {
            using var refused = await PostAsync(authorA, FormattableString.Invariant($"/admin/comments/{theirs.Id}/{verb}"));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using (var bulk = await PostAsync(authorA, "/admin/comments/bulk", ("bulk_action", "approve"), ("delete_comments[]", theirs.Id.ToString(CultureInfo.InvariantCulture))))
        {
            Assert.Contains("done=nothing&skipped=1", bulk.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }
        using (var edit = await PostAsync(authorA, FormattableString.Invariant($"/admin/comments/{theirs.Id}/edit"), ("content", "Hijacked"), ("newcomment_author", "X")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, edit.StatusCode);
        }
        using (var reply = await PostAsync(authorA, FormattableString.Invariant($"/admin/comments/{theirs.Id}/reply"), ("replycontent", "Not mine to answer")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, reply.StatusCode);
        }
        using (var editScreen = await authorA.GetAsync(FormattableString.Invariant($"/admin/comments/{theirs.Id}/edit")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, editScreen.StatusCode);
        }
        var untouched = await site.DbAsync(db => db.Comments.AsNoTracking().SingleAsync(c => c.Id == theirs.Id));
        Assert.Equal((CommentApproval.Pending, "Hello B."), (untouched.Approval, untouched.Content));
        Assert.False(await site.DbAsync(db => db.Comments.AnyAsync(c => c.ParentId == theirs.Id)));

        (await PostAsync(authorA, FormattableString.Invariant($"/admin/comments/{mine.Id}/approve"))).Dispose();
        Assert.Equal(CommentApproval.Approved, await StateAsync(site, mine.Id));
        // Erasing personal data is the administrator's alone.
        using var erase = await PostAsync(authorA, FormattableString.Invariant($"/admin/comments/{mine.Id}/erase"));
        Assert.Equal("/admin/denied", new Uri(new Uri("http://localhost"), erase.Headers.Location!).AbsolutePath);
    }

    [Theory]
    [InlineData("contributor")]
    [InlineData("subscriber")]
    public async Task ContributorsAndSubscribers_AreRefusedTheComments(string login)
    {
        var (newsroom, client) = await fixture.AsAsync(login);
        var post = await PostOfAsync(newsroom, "contributor");
        var comment = await AddAsync(newsroom.Site, post.Id, "Someone", "Hi.");

        using var screen = await client.GetAsync("/admin/comments");
        Assert.Equal("/admin/denied", new Uri(new Uri("http://localhost"), screen.Headers.Location!).AbsolutePath);
        using var approve = await PostAsync(client, FormattableString.Invariant($"/admin/comments/{comment.Id}/approve"));
        Assert.Equal("/admin/denied", new Uri(new Uri("http://localhost"), approve.Headers.Location!).AbsolutePath);
        Assert.Equal(CommentApproval.Pending, await StateAsync(newsroom.Site, comment.Id));
        using var denied = await client.GetAsync("/admin/denied");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.DoesNotContain("/admin/comments", await denied.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModerationLink_OpensAConfirmCard_ThatChangesNothing_UntilItsButtonIsPressed()
    {
        var (newsroom, editor) = await fixture.AsAsync("editor");
        var site = newsroom.Site;
        var post = await PostOfAsync(newsroom);
        var comment = await AddAsync(site, post.Id, "Linked", "From the e-mail.");
        var link = FormattableString.Invariant($"/admin/comments/{comment.Id}/moderate?action=spam");

        // Signed out, the link asks for a sign-in and comes back.
        using (var signedOut = await site.Client().GetAsync(link))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
            Assert.StartsWith("/login", new Uri(new Uri("http://localhost"), signedOut.Headers.Location!).AbsolutePath, StringComparison.Ordinal);
        }
        var card = await site.PageAsyncAs(editor, link);
        Assert.Contains("Mark this comment as spam?", card.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("From the e-mail.", card.QuerySelector(".comment-card")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(CommentApproval.Pending, await StateAsync(site, comment.Id));

        using var done = await BrowserForm.SubmitAsync(editor, link, FormattableString.Invariant($"/admin/comments/{comment.Id}/moderate"), _ => { });
        Assert.Equal(FormattableString.Invariant($"/admin/comments?spammed=1&ids={comment.Id}"), done.Headers.Location!.OriginalString);
        Assert.Equal(CommentApproval.Spam, await StateAsync(site, comment.Id));

        // An author following a link to a comment on someone else's post is refused, and nothing changes.
        var (_, authorA) = await fixture.AsAsync("author-a");
        var others = await PostOfAsync(newsroom, "author-b");
        var theirs = await AddAsync(site, others.Id, "Elsewhere", "Not A's.");
        using (var refused = await authorA.GetAsync(FormattableString.Invariant($"/admin/comments/{theirs.Id}/moderate?action=approve")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using (var refusedPost = await PostAsync(authorA, FormattableString.Invariant($"/admin/comments/{theirs.Id}/moderate"), ("action", "approve")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refusedPost.StatusCode);
        }
        Assert.Equal(CommentApproval.Pending, await StateAsync(site, theirs.Id));
    }

    private static async Task<int> BubbleAsync(TestSite site, HttpClient client)
    {
        var menu = (await site.PageAsyncAs(client, "/admin")).QuerySelector(".admin-menu a[href='/admin/comments']")!;
        var counter = menu.QuerySelector(".menu-counter");
        if (counter is null)
        {
            return 0;
        }
        var count = int.Parse(counter.QuerySelector("[aria-hidden]")!.TextContent, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.Equal(FormattableString.Invariant($", {count} comment{(count == 1 ? "" : "s")} awaiting moderation"), counter.QuerySelector(".screen-reader-text")!.TextContent);
        return count;
    }

    [Fact]
    public async Task MenuBubble_CountsWhatAwaitsThisUser_AndFollowsEachChangeAtOnce()
    {
        var (newsroom, admin) = await fixture.AsAsync("admin");
        var (_, authorA) = await fixture.AsAsync("author-a");
        var site = newsroom.Site;
        var own = await PostOfAsync(newsroom, "author-a");
        var others = await PostOfAsync(newsroom, "author-b");
        var adminBefore = await BubbleAsync(site, admin);
        var authorBefore = await BubbleAsync(site, authorA);

        var held = await AddAsync(site, own.Id, "Waiting", "Please approve.");
        await AddAsync(site, others.Id, "Waiting Too", "On B's post.");
        Assert.Equal(adminBefore + 2, await BubbleAsync(site, admin));
        Assert.Equal(authorBefore + 1, await BubbleAsync(site, authorA));

        (await PostAsync(authorA, FormattableString.Invariant($"/admin/comments/{held.Id}/approve"))).Dispose();
        Assert.Equal(adminBefore + 1, await BubbleAsync(site, admin));
        Assert.Equal(authorBefore, await BubbleAsync(site, authorA));
        // Deleting the post takes its comments, and the bubble follows.
        await site.DbAsync(async db =>
        {
            db.Posts.Remove(await db.Posts.SingleAsync(p => p.Id == others.Id));
            await db.SaveChangesAsync();
        });
        Assert.Equal(adminBefore, await BubbleAsync(site, admin));
    }

    [Fact]
    public async Task Dashboard_ShowsRecentComments_WithAQuickApprove_AndLinksTheCounts()
    {
        var (newsroom, editor) = await fixture.AsAsync("editor");
        var site = newsroom.Site;
        var post = await PostOfAsync(newsroom);
        var author = Unique.Name("Dash Reader");
        var held = await AddAsync(site, post.Id, author, "Just arrived.", minutes: 60 * 24 * 400);

        var dashboard = await site.PageAsyncAs(editor, "/admin");
        Assert.Contains(dashboard.QuerySelectorAll("#glance + ul a").Select(a => a.GetAttribute("href")), h => h == "/admin/comments?comment_status=moderated");
        var item = dashboard.QuerySelectorAll(".recent-comments li").Single(li => li.TextContent.Contains(author, StringComparison.Ordinal));
        Assert.Contains("Pending", item.TextContent, StringComparison.Ordinal);
        using var approved = await BrowserForm.SubmitAsync(editor, "/admin", FormattableString.Invariant($"/admin/comments/{held.Id}/approve"), _ => { });
        Assert.Equal("/admin?approved=1", approved.Headers.Location!.OriginalString);
        Assert.Equal(CommentApproval.Approved, await StateAsync(site, held.Id));
        Assert.DoesNotContain("Pending", (await site.PageAsyncAs(editor, "/admin")).QuerySelectorAll(".recent-comments li")
            .Single(li => li.TextContent.Contains(author, StringComparison.Ordinal)).TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EraseOneComment_MakesItsAuthorAnonymous_AndKeepsTheText()
    {
        var (newsroom, admin) = await fixture.AsAsync("admin");
        var site = newsroom.Site;
        var post = await PostOfAsync(newsroom);
        var comment = await AddAsync(site, post.Id, "Private Person", "Keep my words.", CommentApproval.Approved, email: "private@example.org",
            url: "https://private.example.org/", ip: "198.51.100.44");

        var edit = FormattableString.Invariant($"/admin/comments/{comment.Id}/edit");
        // Without the confirmation ticked, nothing happens.
        (await BrowserForm.SubmitAsync(admin, edit, FormattableString.Invariant($"/admin/comments/{comment.Id}/erase"), _ => { })).Dispose();
        Assert.Equal("Private Person", await site.DbAsync(db => db.Comments.Where(c => c.Id == comment.Id).Select(c => c.AuthorName).SingleAsync()));
        using var erased = await BrowserForm.SubmitAsync(admin, edit, FormattableString.Invariant($"/admin/comments/{comment.Id}/erase"), f => f["confirm"] = "1");
        Assert.Equal(edit + "?done=erased", erased.Headers.Location!.OriginalString);
        var stored = await site.DbAsync(db => db.Comments.AsNoTracking().SingleAsync(c => c.Id == comment.Id));
        Assert.Equal(("Anonymous", "", "", "", "", "Keep my words.", CommentApproval.Approved),
            (stored.AuthorName, stored.AuthorEmail, stored.AuthorUrl, stored.AuthorIp, stored.Agent, stored.Content, stored.Approval));
        Assert.True(await site.DbAsync(db => db.Set<ActivityEntry>().AnyAsync(a => a.Action == CommentActivity.ErasedOne)));

        // An editor moderates but is not offered the eraser, and may not use it.
        var (_, editor) = await fixture.AsAsync("editor");
        Assert.Null((await site.PageAsyncAs(editor, edit)).QuerySelector(FormattableString.Invariant($"form[action='/admin/comments/{comment.Id}/erase']")));
        using var refused = await PostAsync(editor, FormattableString.Invariant($"/admin/comments/{comment.Id}/erase"));
        Assert.Equal("/admin/denied", new Uri(new Uri("http://localhost"), refused.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task PersonalDataTools_ExportAnAddressesComments_ThenEraseThemAfterAConfirmation()
    {
        var (newsroom, admin) = await fixture.AsAsync("admin");
        var site = newsroom.Site;
        var post = await PostOfAsync(newsroom);
        var email = Unique.Name("reader").Replace(' ', '.') + "@example.org";
        var first = await AddAsync(site, post.Id, "Ada", "First words.", CommentApproval.Approved, email: email, ip: "192.0.2.1");
        var second = await AddAsync(site, post.Id, "Ada L.", "Second words.", email: email.ToUpperInvariant(), minutes: 5);
        var stranger = await AddAsync(site, post.Id, "Someone Else", "Not Ada.", email: "else@example.org");

        using (var export = await BrowserForm.SubmitAsync(admin, CommentPrivacy.ExportPath, CommentPrivacy.ExportPath, f => f["email"] = email))
        {
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            Assert.Equal("application/json", export.Content.Headers.ContentType!.MediaType);
            Assert.Equal("attachment", export.Content.Headers.ContentDisposition!.DispositionType);
            using var json = JsonDocument.Parse(await export.Content.ReadAsStringAsync());
            var comments = json.RootElement.GetProperty("comments").EnumerateArray().ToList();
            Assert.Equal([first.Id, second.Id], comments.Select(c => c.GetProperty("id").GetInt32()));
            Assert.Equal("First words.", comments[0].GetProperty("content").GetString());
            Assert.Equal("192.0.2.1", comments[0].GetProperty("authorIp").GetString());
        }

        using (var asked = await BrowserForm.SubmitAsync(admin, CommentPrivacy.ErasePath, CommentPrivacy.ErasePath, f => f["email"] = email))
        {
            var confirm = TestSite.Parse(await asked.Content.ReadAsStringAsync());
            Assert.Contains("2 comments", confirm.QuerySelector("main .notice")!.TextContent, StringComparison.Ordinal);
            Assert.Equal("Ada", await site.DbAsync(db => db.Comments.Where(c => c.Id == first.Id).Select(c => c.AuthorName).SingleAsync()));
            var fields = BrowserForm.Fields(confirm, CommentPrivacy.ErasePath);
            using var done = await admin.PostAsync(CommentPrivacy.ErasePath, new FormUrlEncodedContent(fields));
            Assert.Contains("Erased the personal data of 2 comments", TestSite.Parse(await done.Content.ReadAsStringAsync()).QuerySelector(".notice-success")!.TextContent,
                StringComparison.Ordinal);
        }
        var after = await site.DbAsync(db => db.Comments.AsNoTracking().Where(c => c.PostId == post.Id).OrderBy(c => c.Id).ToListAsync());
        Assert.Equal(["Anonymous", "Anonymous", "Someone Else"], after.Select(c => c.AuthorName));
        Assert.Equal(["First words.", "Second words.", "Not Ada."], after.Select(c => c.Content));
        Assert.All(after.Take(2), c => Assert.Equal(("", ""), (c.AuthorEmail, c.AuthorIp)));
        Assert.Equal(stranger.AuthorEmail, after[2].AuthorEmail);

        var (_, editor) = await fixture.AsAsync("editor");
        using var refused = await editor.GetAsync(CommentPrivacy.ErasePath);
        Assert.Equal("/admin/denied", new Uri(new Uri("http://localhost"), refused.Headers.Location!).AbsolutePath);
    }
}

public sealed class SqliteManageCommentsTests(ManageCommentsTests.SqliteSite fixture)
    : ManageCommentsTests(fixture), IClassFixture<ManageCommentsTests.SqliteSite>;

public sealed class PostgresManageCommentsTests(ManageCommentsTests.PostgresSite fixture)
    : ManageCommentsTests(fixture), IClassFixture<ManageCommentsTests.PostgresSite>;

/// <summary>Reading an admin page as a signed-in user.</summary>
internal static class SignedInPages
{
    public static async Task<IHtmlDocument> PageAsyncAs(this TestSite site, HttpClient client, string url)
    {
        _ = site;
        using var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {response.Headers.Location}");
        return TestSite.Parse(await response.Content.ReadAsStringAsync());
    }
}
