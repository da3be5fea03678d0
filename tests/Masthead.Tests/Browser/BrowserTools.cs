namespace Masthead.Tests.Browser;

/// <summary>Debian's Chromium and the node tools (Playwright, axe-core, Lighthouse) the browser tests drive.</summary>
internal static class BrowserTools
{
    public const string Chromium = "/usr/bin/chromium";

    public static readonly string[] ChromiumFlags =
        ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    /// <summary>The folder holding node_modules with the browser tools; skips the test, with the reason, when absent.</summary>
    public static string Require()
    {
        Infrastructure.Needs.Present(File.Exists(Chromium), $"Browser tests need Debian's chromium at {Chromium} (.ci/run installs it).");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "node_modules", "playwright-core", "package.json")))
            {
                return dir.FullName;
            }
        }
        Infrastructure.Needs.Present(false, "Browser tests need `npm ci --prefix tests/Masthead.Tests` (.ci/run does it).");
        return "";
    }
}
