using System.Net;
using System.Text.Json;
using Masthead.Features.Comments;
using Masthead.Features.Settings;
using Masthead.Tests.Features.Comments;
using Masthead.Tests.Infrastructure;

namespace Masthead.Tests.Browser;

/// <summary>Hundreds of XSS payloads posted as comments and shown on one page in a real Chromium never run script.</summary>
public sealed class CommentXssBrowserTests
{
    [Fact]
    public async Task PostPage_WithFourHundredXssComments_RunsNoScriptInChromium()
    {
        var tools = BrowserTools.Require();
        var corpus = CommentXssTests.Corpus();
        Assert.SkipWhen(corpus is null, "The shared XSS corpus (../shared/fixtures/security) is not beside this checkout.");
        // Those that leave something to show once cleaned (the rest are refused as empty), spread over the whole list
        // so every family of payload is in the sample.
        var shown = corpus!.Where(p => CommentHtml.ToHtml(CommentHtml.Clean(p)).Length > 0).ToList();
        var sample = shown.Where((_, i) => i % (shown.Count / 400) == 0).Take(400).ToList();
        await using var site = await TestSite.StartAsync(DatabaseKind.Sqlite, CommentForm.Relaxed(), onRealPort: true);
        await site.SetOptionAsync(DiscussionSettings.Names.CommentPreviouslyApproved, "0");
        await site.SetOptionAsync(DiscussionSettings.Names.CommentMaxLinks, "0");
        var post = await site.AddPostAsync(Unique.Name("Attacked in a browser"));
        var client = site.SocketClient();
        var url = await CommentForm.UrlOfAsync(site, post, client);
        var sent = await CommentXssTests.PostAllAsync(site, post.Id, sample, client);
        var taken = sent.Count(s => s.Response.StatusCode == HttpStatusCode.Redirect);
        sent.ForEach(s => s.Response.Dispose());

        var (exitCode, output, errors) = await ExternalProgram.RunAsync("node",
            [Path.Combine(tools, "Browser", "comment-xss.mjs"), BrowserTools.Chromium, site.Address + url], tools);

        Assert.True(exitCode == 0, errors);
        using var seen = JsonDocument.Parse(output);
        var root = seen.RootElement;
        Assert.True(taken >= 300, $"only {taken} payloads were taken");
        Assert.True(root.GetProperty("comments").GetInt32() >= 300, output);
        Assert.False(root.GetProperty("xss").GetBoolean(), output);
        Assert.Equal(0, root.GetProperty("dialogs").GetArrayLength());
    }
}
