using System.Globalization;
using System.Net;
using Masthead.Features.Comments;
using Masthead.Features.Posts;
using Masthead.Tests.Infrastructure;

namespace Masthead.Tests.Features.Users;

/// <summary>
/// Every admin screen and write action against every role, through HTTP with real sign-ins: each row says whether
/// the role gets in. Writes are sent directly with a valid antiforgery token, as a hand-made form would send them,
/// so the check cannot lean on a hidden button.
/// </summary>
public abstract class AdminAccessMatrixTests(AdminAccessMatrixTests.Site fixture)
{
    /// <summary>One newsroom for the whole matrix, with a signed-in client per role.</summary>
    public abstract class Site(DatabaseKind kind) : IAsyncDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly Dictionary<string, HttpClient> _clients = [];
        private Newsroom? _newsroom;

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

    private static readonly string[] Everyone = ["admin", "editor", "author-a", "contributor", "subscriber"];

    /// <summary>Rows of (login, method, path, allowed): the logins listed are let in, every other role is refused.</summary>
    public static TheoryData<string, string, string, bool> Matrix()
    {
        var rows = new TheoryData<string, string, string, bool>();
        void Row(string method, string path, params string[] allowed)
        {
            foreach (var login in Everyone)
            {
                rows.Add(login, method, path, allowed.Contains(login));
            }
        }
        string[] writers = ["admin", "editor", "author-a", "contributor"];
        string[] editors = ["admin", "editor"];
        Row("GET", "/admin", Everyone);
        Row("GET", "/admin/profile", Everyone);
        Row("GET", "/admin/posts", writers);
        Row("GET", "/admin/posts/new", writers);
        Row("GET", "/admin/pages", editors);
        Row("GET", "/admin/pages/new", editors);
        Row("GET", "/admin/categories", editors);
        Row("GET", "/admin/tags", editors);
        Row("GET", "/admin/users", "admin");
        Row("GET", "/admin/settings", "admin");
        Row("GET", "/admin/themes", "admin");
        Row("GET", "/admin/activity", "admin");
        Row("POST", "/admin/posts/new", writers);
        Row("POST", "/admin/quick-draft", writers);
        Row("POST", "/admin/pages/new", editors);
        Row("POST", "/admin/categories", editors);
        Row("POST", "/admin/tags", editors);
        Row("POST", "/admin/users", "admin");
        Row("POST", "/admin/users/{author-b}/role", "admin");
        Row("POST", "/admin/users/{author-b}/two-factor/reset", "admin");
        Row("POST", "/admin/settings", "admin");
        Row("POST", "/admin/themes", "admin");
        // Comments: editors and administrators moderate every comment, authors those on their own posts (author-a
        // wrote a-published, author-b b-published); each row gets a comment of its own, so no row depends on another.
        string[] moderators = ["admin", "editor", "author-a"];
        Row("GET", "/admin/comments", moderators);
        Row("GET", "/admin/comments?comment_status=moderated", moderators);
        foreach (var (on, allowed) in new[] { ("{comment-on-a}", moderators), ("{comment-on-b}", editors) })
        {
            Row("GET", $"/admin/comments/{on}/edit", allowed);
            Row("GET", $"/admin/comments/{on}/reply", allowed);
            Row("GET", $"/admin/comments/{on}/moderate?action=approve", allowed);
            foreach (var verb in (string[])["approve", "unapprove", "spam", "unspam", "trash", "untrash", "delete", "edit", "reply", "moderate"])
            {
                Row("POST", $"/admin/comments/{on}/{verb}", allowed);
            }
            Row("POST", $"/admin/comments/{on}/erase", "admin");
        }
        Row("POST", "/admin/comments/bulk", moderators);
        Row("GET", "/admin/tools/erase-personal-data", "admin");
        Row("GET", "/admin/tools/export-personal-data", "admin");
        Row("POST", "/admin/tools/erase-personal-data", "admin");
        Row("POST", "/admin/tools/export-personal-data", "admin");
        return rows;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task AdminScreenOrAction_IsOpenOnlyToTheRolesThatMayUseIt(string login, string method, string path, bool allowed)
    {
        var (newsroom, client) = await fixture.AsAsync(login);
        path = path.Replace("{author-b}", newsroom.Users["author-b"].ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        foreach (var (placeholder, post) in new[] { ("{comment-on-a}", "a-published"), ("{comment-on-b}", "b-published") })
        {
            if (path.Contains(placeholder, StringComparison.Ordinal))
            {
                // Trashed for the actions that apply to the Trash, so an allowed one really changes something.
                var approval = path.EndsWith("/untrash", StringComparison.Ordinal) || path.EndsWith("/delete", StringComparison.Ordinal)
                    ? CommentApproval.Trash : path.EndsWith("/unspam", StringComparison.Ordinal) ? CommentApproval.Spam
                    : path.EndsWith("/unapprove", StringComparison.Ordinal) ? CommentApproval.Approved : CommentApproval.Pending;
                var comment = await newsroom.Site.AddCommentAsync(new Post { Id = newsroom.Posts[post] }, Unique.Name("Matrix reader"), "Matrix comment.",
                    approval: approval);
                path = path.Replace(placeholder, comment.Id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            }
        }

        HttpResponseMessage response;
        if (method == "GET")
        {
            response = await client.GetAsync(path);
        }
        else
        {
            var token = TestSite.Parse(await client.GetStringAsync("/admin/profile")).QuerySelector("form input[type=hidden]")!;
            response = await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                [token.GetAttribute("name")!] = token.GetAttribute("value")!,
                ["post_title"] = Unique.Name("Matrix"),
                ["action"] = "draft",
                ["name"] = Unique.Name("Matrix term"),
                ["role"] = "author",
                ["theme"] = "masthead",
                ["content"] = "Matrix edit.",
                ["replycontent"] = "Matrix reply.",
                ["email"] = "matrix@example.org",
                ["bulk_action"] = "approve",
                ["delete_comments[]"] = "1",
            }));
        }
        using (response)
        {
            // Refused: 403 from the action itself, or the redirect to the "not allowed" page that authorization sends.
            var refused = response.StatusCode == HttpStatusCode.Forbidden
                || (response.StatusCode == HttpStatusCode.Redirect && new Uri(new Uri("http://localhost"), response.Headers.Location!).AbsolutePath == "/admin/denied");
            Assert.True(allowed != refused, $"{login} {method} {path}: {(int)response.StatusCode} {response.Headers.Location}");
            if (allowed && method == "GET")
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
    }
}

public sealed class SqliteAdminAccessMatrixTests(AdminAccessMatrixTests.SqliteSite fixture)
    : AdminAccessMatrixTests(fixture), IClassFixture<AdminAccessMatrixTests.SqliteSite>;

public sealed class PostgresAdminAccessMatrixTests(AdminAccessMatrixTests.PostgresSite fixture)
    : AdminAccessMatrixTests(fixture), IClassFixture<AdminAccessMatrixTests.PostgresSite>;
