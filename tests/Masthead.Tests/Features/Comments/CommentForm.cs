using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Dom;
using Masthead.Features.Comments;
using Masthead.Features.Posts;
using Masthead.Tests.Infrastructure;

namespace Masthead.Tests.Features.Comments;

/// <summary>Posts the comment form of a post's page as a browser does, with or without the page's script.</summary>
internal static class CommentForm
{
    /// <summary>
    /// Settings for sites whose tests are not about timing or floods: no wait before sending, no flood window, and a
    /// rate limit no test reaches. A test about one of them starts its own site with that one left as it is.
    /// </summary>
    public static Dictionary<string, string?> Relaxed(params (string Key, string? Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Comments:MinSecondsToWrite"] = "0",
            ["Comments:FloodSeconds"] = "0",
            ["Comments:PostsPerMinute"] = "100000",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>The page's form fields, with what the script adds when <paramref name="script"/> is true (the timing token, and a signed-in user's antiforgery token).</summary>
    public static async Task<Dictionary<string, string>> FieldsAsync(HttpClient client, string pageUrl, bool script = true)
    {
        var page = TestSite.Parse(await client.GetStringAsync(pageUrl));
        var fields = BrowserForm.Fields(page, PostComment.FormAction);
        if (script)
        {
            var postId = fields["comment_post_ID"];
            var token = await client.GetFromJsonAsync<JsonElement>($"/comments/token?post={postId}");
            fields[token.GetProperty("field").GetString()!] = token.GetProperty("value").GetString()!;
            var session = await client.GetFromJsonAsync<JsonElement>("/comments/session");
            if (session.GetProperty("user").ValueKind != JsonValueKind.Null)
            {
                var antiforgery = session.GetProperty("antiforgery");
                fields[antiforgery.GetProperty("field").GetString()!] = antiforgery.GetProperty("value").GetString()!;
                // The script takes the guest fields out of a signed-in user's form.
                foreach (var name in new[] { "author", "email", "url", PostComment.ConsentField })
                {
                    fields.Remove(name);
                }
            }
        }
        return fields;
    }

    /// <summary>Fills in and sends the form of <paramref name="pageUrl"/>.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string pageUrl, string text, string author = "Dana Reader",
        string email = "dana@example.org", bool script = true, Action<Dictionary<string, string>>? change = null)
    {
        var fields = await FieldsAsync(client, pageUrl, script);
        fields["comment"] = text;
        if (fields.ContainsKey("author"))
        {
            fields["author"] = author;
            fields["email"] = email;
        }
        change?.Invoke(fields);
        return await client.PostAsync(PostComment.FormAction, new FormUrlEncodedContent(fields));
    }

    /// <summary>The address of a post's page, as readers are sent to it.</summary>
    public static async Task<string> UrlOfAsync(TestSite site, Post post, HttpClient? client = null)
    {
        using var response = await (client ?? site.Client()).GetAsync($"/?p={post.Id}");
        return response.Headers.Location!.OriginalString;
    }

    public static IHtmlDocument Parse(string html) => TestSite.Parse(html);
}
