using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Dom;
using Masthead.Features.Comments;
using Masthead.Features.Settings;
using Masthead.Tests.Features.Posts;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Tests.Features.Comments;

/// <summary>
/// Every payload of the shared XSS lists, posted as a comment through the form: the post's pages hold no element,
/// attribute or URL that can run script, and neither does the page that sends a refused one back.
/// </summary>
public abstract class CommentXssTests
{
    protected abstract DatabaseKind Kind { get; }

    /// <summary>The shared XSS corpus, or null when the workplace's shared folder is not above this checkout.</summary>
    internal static string[]? Corpus()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures", "security", "combined", "xss-all-unique.txt");
            if (File.Exists(candidate))
            {
                return File.ReadAllLines(candidate).Where(l => l.Trim().Length > 0).ToArray();
            }
        }
        return null;
    }

    /// <summary>Posts each payload as a guest's comment (one author each, so none is a duplicate) with the script's timing token.</summary>
    internal static async Task<List<(string Payload, HttpResponseMessage Response)>> PostAllAsync(TestSite site, int postId, IReadOnlyList<string> payloads,
        HttpClient? through = null)
    {
        var client = through ?? site.Client();
        var token = await client.GetFromJsonAsync<JsonElement>($"/comments/token?post={postId}");
        var sent = new (string, HttpResponseMessage)[payloads.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, payloads.Count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, cancellation) =>
        {
            var fields = new Dictionary<string, string>
            {
                ["comment_post_ID"] = postId.ToString(CultureInfo.InvariantCulture),
                ["comment_parent"] = "0",
                ["author"] = $"Tester {i}",
                ["email"] = $"tester{i}@example.org",
                ["url"] = "",
                ["comment"] = payloads[i],
                [token.GetProperty("field").GetString()!] = token.GetProperty("value").GetString()!,
            };
            sent[i] = (payloads[i], await client.PostAsync(PostComment.FormAction, new FormUrlEncodedContent(fields), cancellation));
        });
        return [.. sent];
    }

    /// <summary>What on a whole page could run script: handlers, script URLs, and any script that is not the theme's own file.</summary>
    internal static IEnumerable<string> PageDangers(IHtmlDocument page)
    {
        foreach (var element in page.QuerySelectorAll("*"))
        {
            foreach (var attribute in element.Attributes)
            {
                var value = new string(attribute.Value.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray());
                if (attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase) || attribute.Name is "srcdoc" or "formaction"
                    || value.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase) || value.StartsWith("vbscript:", StringComparison.OrdinalIgnoreCase)
                    || value.StartsWith("data:text", StringComparison.OrdinalIgnoreCase))
                {
                    yield return $"{element.LocalName}[{attribute.Name}={attribute.Value}]";
                }
            }
            if (element.LocalName is "iframe" or "frame" or "object" or "embed" or "applet" or "base" or "svg" or "math"
                || (element.LocalName == "script" && element.GetAttribute("src")?.StartsWith("/theme-assets/", StringComparison.Ordinal) != true))
            {
                yield return $"<{element.LocalName}>";
            }
        }
    }

    [Fact]
    public async Task EveryXssPayload_PostedAsAComment_LeavesNothingThatRunsScript_OnThePostOrTheRefusalPage()
    {
        var payloads = Corpus();
        // As the post HTML corpus test: the shared fixtures are the workplace's, not the repository's; where the folder
        // exists (as under .ci/run here) the test runs, and only a checkout with no such folder above it skips.
        Assert.SkipWhen(payloads is null, "The shared XSS corpus (../shared/fixtures/security) is not beside this checkout.");
        await using var site = await TestSite.StartAsync(Kind, CommentForm.Relaxed());
        await site.SetOptionAsync(DiscussionSettings.Names.CommentPreviouslyApproved, "0");
        await site.SetOptionAsync(DiscussionSettings.Names.CommentMaxLinks, "0");
        await site.SetOptionAsync(DiscussionSettings.Names.PageComments, "1");
        await site.SetOptionAsync(DiscussionSettings.Names.CommentsPerPage, "500");
        await site.SetOptionAsync(DiscussionSettings.Names.DefaultCommentsPage, "oldest");
        var post = await site.AddPostAsync(Unique.Name("Attacked"));
        var url = await CommentForm.UrlOfAsync(site, post);

        var sent = await PostAllAsync(site, post.Id, payloads!);

        var failures = new List<string>();
        var refusedEmpty = 0;
        foreach (var (payload, response) in sent)
        {
            using (response)
            {
                if (response.StatusCode != HttpStatusCode.Redirect)
                {
                    refusedEmpty++;
                    // Refused (nothing left once cleaned): the page that sends it back holds it only as text.
                    var refused = CommentForm.Parse(await response.Content.ReadAsStringAsync());
                    failures.AddRange(PageDangers(refused).Select(d => $"refusal of {payload} -> {d}"));
                    if (refused.QuerySelector("#comment")?.TextContent != payload)
                    {
                        failures.Add($"refusal of {payload} lost the text");
                    }
                    // The only reason to refuse one: nothing but script or markup, so nothing is left to say.
                    if (!(refused.QuerySelector(".comment-form-error")?.TextContent.Contains("Please type your comment text.", StringComparison.Ordinal) ?? false))
                    {
                        failures.Add($"refusal of {payload} ({(int)response.StatusCode}): {refused.QuerySelector(".comment-form-error, [role=alert]")?.TextContent}");
                    }
                }
            }
        }
        var approved = await site.DbAsync(db => db.Comments.CountAsync(c => c.PostId == post.Id && c.Approval == CommentApproval.Approved));
        var pages = (approved + 499) / 500;
        var rendered = 0;
        for (var n = 1; n <= pages; n++)
        {
            var page = await site.PageAsync(n == 1 ? url : $"{url}comment-page-{n}/");
            failures.AddRange(PageDangers(page).Select(d => $"page {n}: {d}"));
            foreach (var content in page.QuerySelectorAll(".comment-content"))
            {
                failures.AddRange(PostHtmlTests.Dangers(content.InnerHtml).Select(d => $"page {n}: {d}"));
                rendered++;
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(30)));
        Assert.True(payloads!.Length > 8000, "the corpus looks truncated");
        Assert.Equal(payloads.Length, approved + refusedEmpty);
        Assert.Equal(approved, rendered);
    }
}

public sealed class SqliteCommentXssTests : CommentXssTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresCommentXssTests : CommentXssTests
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}
