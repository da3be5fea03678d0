using AngleSharp.Dom;
using Masthead.Features.Posts;
using Masthead.Features.Users;
using Masthead.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Masthead.Tests.Features.Posts;

/// <summary>HTML from writers without unfiltered_html can never carry script, whatever they paste.</summary>
public sealed class PostHtmlTests
{
    private static readonly string[] ScriptTags = ["script", "iframe", "frame", "object", "embed", "applet", "form", "input", "button", "svg", "math", "style", "link", "meta", "base"];

    /// <summary>Every way the cleaned HTML could still run script: elements, on* handlers, styles, script URLs.</summary>
    internal static IEnumerable<string> Dangers(string html)
    {
        var body = TestSite.Parse($"<!DOCTYPE html><body>{html}</body>").Body!;
        foreach (var element in body.QuerySelectorAll("*"))
        {
            if (ScriptTags.Contains(element.LocalName))
            {
                yield return $"<{element.LocalName}>";
            }
            foreach (var attribute in element.Attributes)
            {
                if (attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase) || attribute.Name is "style" or "srcdoc" or "formaction")
                {
                    yield return $"{element.LocalName}[{attribute.Name}]";
                }
                if (attribute.Name is "href" or "src" or "cite" && !IsSafeUrl(attribute.Value))
                {
                    yield return $"{element.LocalName}[{attribute.Name}={attribute.Value}]";
                }
            }
        }
    }

    private static bool IsSafeUrl(string value)
    {
        var compact = new string(value.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray());
        var colon = compact.IndexOf(':', StringComparison.Ordinal);
        var slash = compact.IndexOfAny(['/', '?', '#']);
        // No scheme (a relative URL) or one of the allowed ones.
        return colon < 0 || (slash >= 0 && slash < colon)
            || compact.StartsWith("http:", StringComparison.OrdinalIgnoreCase)
            || compact.StartsWith("https:", StringComparison.OrdinalIgnoreCase)
            || compact.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase);
    }

    private static string? FindFixture(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures", relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    [Fact]
    public void Sanitize_EveryXssPayloadInTheCorpus_LeavesNothingThatRunsScript()
    {
        var corpus = FindFixture(Path.Combine("security", "combined", "xss-all-unique.txt"));
        // Not Needs.Present: .ci/run cannot install the workplace's shared fixtures, and a CI checkout placed where no
        // folder above it holds them would fail here for a reason no change could fix. Skipped, with the reason.
        Assert.SkipWhen(corpus is null, "The shared XSS corpus (../shared/fixtures/security) is not beside this checkout.");
        var payloads = File.ReadAllLines(corpus!);

        var failures = payloads
            .Select(payload => (payload, dangers: Dangers(PostHtml.Sanitize(payload)).ToList()))
            .Where(x => x.dangers.Count > 0)
            .Select(x => $"{x.payload} -> {string.Join(", ", x.dangers)}")
            .Take(20)
            .ToList();

        Assert.True(payloads.Length > 8000, "the corpus looks truncated");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void Sanitize_OrdinaryStory_KeepsItsStructure()
    {
        const string story = "<h2>Vote</h2><p>Seven to <a href=\"https://example.org/\" title=\"x\">two</a>.</p><figure><img src=\"/v.jpg\" alt=\"Vote\"><figcaption>The vote.</figcaption></figure><blockquote><p>Fair.</p></blockquote>";

        Assert.Equal(story, PostHtml.Sanitize(story));
    }
}

/// <summary>The same cleaning on a real save, role by role, on each database.</summary>
public abstract class PostHtmlQuickDraftTests
{
    protected abstract DatabaseKind Kind { get; }

    [Theory]
    [InlineData("contributor", false)]
    [InlineData("author", false)]
    [InlineData("editor", true)]
    [InlineData("administrator", true)]
    public async Task QuickDraft_HtmlIsCleanedUnlessTheRoleHasUnfilteredHtml(string role, bool keptAsWritten)
    {
        await using var site = await TestSite.StartAsync(Kind);
        const string password = "a newsroom password for tests";
        await using (var scope = site.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
            Assert.True((await users.CreateAsync(new User { Login = "writer", Email = "writer@example.org", DisplayName = "Writer", Slug = "writer", Role = role }, password)).Succeeded);
        }
        var client = site.Client();
        (await TestSite.LogInAsync(client, "writer", password)).Dispose();
        const string pasted = "<p onclick=\"steal()\">Hello</p><script>alert(1)</script><a href=\"javascript:alert(2)\">x</a>";

        using var saved = await BrowserForm.SubmitAsync(client, "/admin", "/admin/quick-draft", f =>
        {
            f["post_title"] = "Pasted";
            f["content"] = pasted;
        });

        Assert.Equal("/admin?drafted=1", saved.Headers.Location?.OriginalString);
        var stored = await site.DbAsync(db => db.Posts.Where(p => p.Title == "Pasted").Select(p => p.Content).SingleAsync());
        if (keptAsWritten)
        {
            Assert.Equal(pasted, stored);
        }
        else
        {
            Assert.Empty(PostHtmlTests.Dangers(stored));
            Assert.Contains("Hello", stored);
        }
        var dashboard = TestSite.Parse(await client.GetStringAsync("/admin"));
        Assert.Contains("Pasted", dashboard.QuerySelector("#quick-draft ~ ul, section[aria-labelledby=quick-draft] ul")?.TextContent);
    }
}

public sealed class SqlitePostHtmlQuickDraftTests : PostHtmlQuickDraftTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresPostHtmlQuickDraftTests : PostHtmlQuickDraftTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
