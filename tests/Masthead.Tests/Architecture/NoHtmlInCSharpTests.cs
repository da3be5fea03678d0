using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Masthead.Tests.Architecture;

/// <summary>
/// Pages are Razor components (the admin) or Liquid templates (the reader), so Razor or Fluid encodes every value.
/// HTML put together in a C# string has to encode by hand, and one forgotten call is a stored XSS; this guard reads
/// every string literal under <c>src/</c> as the compiler does and fails on one that holds an HTML tag.
/// </summary>
public sealed partial class NoHtmlInCSharpTests
{
    /// <summary>The few files that must still hold markup in C#, each with the reason. Keep this list short.</summary>
    private static readonly Dictionary<string, string> Allowed = new(StringComparer.Ordinal)
    {
        ["Features/Setup/DemoContent.cs"] =
            "The demo site's posts: stored content, written to the database once like any imported post, not a page.",
        ["Features/Setup/SampleContent.cs"] =
            "A new site's first post and page: stored content, written to the database once, not a page.",
        ["Features/Posts/PostPasswords.cs"] =
            "The password form that stands in for a protected post's content, which themes print as the content, as WordPress themes do.",
    };

    [Fact]
    public void SourceFiles_BuildNoHtmlInStringLiterals_OutsideTheAllowList()
    {
        var src = Path.Combine(RepositoryRoot(), "src", "Masthead");
        var offenders = new List<string>();
        var allowedAndUsed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(src, file).Replace('\\', '/');
            if (relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal)
                || relative.StartsWith("Migrations/", StringComparison.Ordinal) || relative.Contains("/Migrations/", StringComparison.Ordinal))
            {
                continue;
            }
            foreach (var (line, _) in HtmlInLiterals(File.ReadAllText(file)))
            {
                if (Allowed.ContainsKey(relative))
                {
                    allowedAndUsed.Add(relative);
                }
                else
                {
                    offenders.Add($"{relative}:{line}");
                }
            }
        }

        Assert.True(offenders.Count == 0, "HTML built in C# (render it from a .razor component instead):\n" + string.Join('\n', offenders.Distinct()));
        // An exception nobody needs any more comes off the list, so the list stays the truth.
        Assert.Empty(Allowed.Keys.Except(allowedAndUsed));
    }

    [Theory]
    [InlineData("var x = \"<p>hello</p>\";", true)]
    [InlineData("var x = $\"<a href=\\\"{url}\\\">{text}</a>\";", true)]
    [InlineData("var x = $$\"\"\"\n  <form method=\"post\">\n  \"\"\";", true)]
    [InlineData("var x = @\"<input type=\"\"hidden\"\">\";", true)]
    [InlineData("var x = \"<iframe src=x></iframe>\";", true)]
    [InlineData("var x = \"<object data=x>\";", true)]
    [InlineData("var x = \"List<string> and a < b > c\";", false)]
    [InlineData("/// <summary>Doc comments are not strings.</summary>\nvar x = 1;", false)]
    [InlineData("var x = \"Use <c>Encode</c> carefully\";", false)]
    public void Guard_SeesTagsInEveryKindOfLiteral_AndNothingElse(string source, bool expected) =>
        Assert.Equal(expected, HtmlInLiterals(source).Any());

    private static IEnumerable<(int Line, string Text)> HtmlInLiterals(string source)
    {
        var root = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview)).GetRoot();
        foreach (var token in root.DescendantTokens())
        {
            var text = token.Kind() switch
            {
                SyntaxKind.StringLiteralToken or SyntaxKind.SingleLineRawStringLiteralToken or SyntaxKind.MultiLineRawStringLiteralToken
                    or SyntaxKind.Utf8StringLiteralToken or SyntaxKind.InterpolatedStringTextToken => token.ValueText,
                _ => null,
            };
            if (text is not null && HtmlTag().Match(text) is { Success: true } tag)
            {
                yield return (token.GetLocation().GetLineSpan().StartLinePosition.Line + 1, tag.Value);
            }
        }
    }

    /// <summary>An opening or closing tag of an HTML element, such as <c>&lt;p&gt;</c>, <c>&lt;a href=</c> or <c>&lt;/div&gt;</c>.</summary>
    [GeneratedRegex(@"</?(?:a|abbr|article|aside|b|blockquote|body|br|button|caption|code|dd|details|dialog|div|dl|dt|em|fieldset|figcaption|figure|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|embed|object|base|area|audio|video|source|picture|canvas|noscript|template|label|legend|li|link|main|meta|nav|ol|optgroup|option|p|pre|script|section|select|small|span|strong|style|summary|svg|table|tbody|td|textarea|tfoot|th|thead|time|title|tr|ul)(?=[\s>/])[^<>]*>?", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlTag();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Masthead.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("The guard reads the source, so it runs from a checkout (Masthead.slnx not found above " + AppContext.BaseDirectory + ").");
    }
}
