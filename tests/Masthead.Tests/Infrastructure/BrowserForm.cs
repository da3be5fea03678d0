using AngleSharp.Dom;

namespace Masthead.Tests.Infrastructure;

/// <summary>Reads a form's fields as a browser would submit them, so a test can change a few and post it back.</summary>
public static class BrowserForm
{
    public static Dictionary<string, string> Fields(IDocument page, string action)
    {
        // The form that posts there: a page may also have a search form (a GET) with the same action.
        var form = page.QuerySelector($"form[method=post][action='{action}']") ?? page.QuerySelector($"form[action='{action}']") ?? throw new InvalidOperationException($"No form posts to {action}.");
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in form.QuerySelectorAll("input[name]"))
        {
            var type = input.GetAttribute("type") ?? "text";
            if (type is "radio" or "checkbox" && !input.HasAttribute("checked"))
            {
                continue;
            }
            fields[input.GetAttribute("name")!] = input.GetAttribute("value") ?? (type == "checkbox" ? "on" : "");
        }
        foreach (var select in form.QuerySelectorAll("select[name]"))
        {
            fields[select.GetAttribute("name")!] = (select.QuerySelector("option[selected]") ?? select.QuerySelector("option"))?.GetAttribute("value") ?? "";
        }
        foreach (var area in form.QuerySelectorAll("textarea[name]"))
        {
            fields[area.GetAttribute("name")!] = area.TextContent;
        }
        return fields;
    }

    /// <summary>GETs <paramref name="pageUrl"/>, applies <paramref name="changes"/> to the form and posts it.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string pageUrl, string action, Action<Dictionary<string, string>> changes)
    {
        var fields = Fields(TestSite.Parse(await client.GetStringAsync(pageUrl)), action);
        changes(fields);
        return await client.PostAsync(action, new FormUrlEncodedContent(fields));
    }
}
