using System.Net;
using Masthead.Features.Posts;
using Masthead.Features.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Masthead.Tests.Infrastructure;

/// <summary>
/// A site with a whole newsroom: an editor, two authors, a contributor and a subscriber (plus the first
/// administrator, <c>admin</c>), and posts of theirs in different states, for role-by-role tests with real sign-ins.
/// </summary>
public sealed class Newsroom
{
    public const string Password = "a newsroom password for tests";

    private Newsroom(TestSite site, Dictionary<string, int> users, Dictionary<string, int> posts)
    {
        Site = site;
        Users = users;
        Posts = posts;
    }

    public TestSite Site { get; }

    /// <summary>User ids by login.</summary>
    public IReadOnlyDictionary<string, int> Users { get; }

    /// <summary>Post ids: a-published, a-draft, b-published, contributor-draft, contributor-pending.</summary>
    public IReadOnlyDictionary<string, int> Posts { get; }

    public static async Task<Newsroom> StartAsync(DatabaseKind kind, IReadOnlyDictionary<string, string?>? settings = null, bool onRealPort = false)
    {
        var site = await TestSite.StartAsync(kind, settings, onRealPort);
        var ids = new Dictionary<string, int>();
        foreach (var (login, role) in new[] { ("editor", Roles.Editor), ("author-a", Roles.Author), ("author-b", Roles.Author), ("contributor", Roles.Contributor), ("subscriber", Roles.Subscriber) })
        {
            await using var scope = site.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
            var user = new User { Login = login, Email = $"{login}@example.org", DisplayName = login, Slug = login, Role = role };
            Assert.True((await users.CreateAsync(user, Password)).Succeeded);
            ids[login] = user.Id;
        }
        var posts = new Dictionary<string, int>
        {
            ["a-published"] = (await site.AddPostAsync(Unique.Name("A published"), p => p.AuthorId = ids["author-a"])).Id,
            ["a-draft"] = (await site.AddPostAsync(Unique.Name("A draft"), p => { p.AuthorId = ids["author-a"]; p.Status = PostStatus.Draft; })).Id,
            ["b-published"] = (await site.AddPostAsync(Unique.Name("B published"), p => p.AuthorId = ids["author-b"])).Id,
            ["contributor-draft"] = (await site.AddPostAsync(Unique.Name("C draft"), p => { p.AuthorId = ids["contributor"]; p.Status = PostStatus.Draft; })).Id,
            ["contributor-pending"] = (await site.AddPostAsync(Unique.Name("C pending"), p => { p.AuthorId = ids["contributor"]; p.Status = PostStatus.Pending; })).Id,
        };
        return new Newsroom(site, ids, posts);
    }

    /// <summary>A client signed in as <paramref name="login"/> (<c>admin</c> or one of the newsroom).</summary>
    public async Task<HttpClient> SignInAsync(string login)
    {
        var client = Site.Client();
        using var response = await TestSite.LogInAsync(client, login, login == "admin" ? TestSite.AdminPassword : Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }
}
