namespace Masthead.Features.Posts;

/// <summary>One row of a side-by-side comparison: a line on the left, on the right, or on both when unchanged.</summary>
public sealed record DiffRow(string? Left, string? Right)
{
    public bool Unchanged => Left is not null && Left == Right;
}

/// <summary>
/// A line-by-line comparison of two texts for the revisions screen: the longest common run of lines is kept, and
/// what was removed sits beside what replaced it.
/// </summary>
public static class TextDiff
{
    // Past this many line pairs the comparison table would cost too much memory; the texts are shown as replaced whole.
    private const long MaxCells = 4_000_000;

    public static IReadOnlyList<DiffRow> Lines(string left, string right)
    {
        var a = Split(left);
        var b = Split(right);
        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix])
        {
            prefix++;
        }
        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[^(suffix + 1)] == b[^(suffix + 1)])
        {
            suffix++;
        }
        var rows = new List<DiffRow>();
        rows.AddRange(a.Take(prefix).Select(line => new DiffRow(line, line)));
        var middleA = a[prefix..(a.Length - suffix)];
        var middleB = b[prefix..(b.Length - suffix)];
        if ((long)middleA.Length * middleB.Length > MaxCells)
        {
            AddChange(rows, middleA, middleB);
        }
        else
        {
            AddMiddle(rows, middleA, middleB);
        }
        rows.AddRange(a.Skip(a.Length - suffix).Select(line => new DiffRow(line, line)));
        return rows;
    }

    private static string[] Split(string text) =>
        text.Length == 0 ? [] : text.ReplaceLineEndings("\n").Split('\n');

    /// <summary>Walks a longest-common-subsequence table, emitting unchanged lines and the changes between them.</summary>
    private static void AddMiddle(List<DiffRow> rows, string[] a, string[] b)
    {
        // common[i, j] = length of the longest common subsequence of a[i..] and b[j..].
        var common = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                common[i, j] = a[i] == b[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }
        List<string> removed = [], added = [];
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                AddChange(rows, removed, added);
                removed.Clear();
                added.Clear();
                rows.Add(new DiffRow(a[x], b[y]));
                x++;
                y++;
            }
            else if (y < b.Length && (x == a.Length || common[x, y + 1] >= common[x + 1, y]))
            {
                added.Add(b[y++]);
            }
            else
            {
                removed.Add(a[x++]);
            }
        }
        AddChange(rows, removed, added);
    }

    /// <summary>Removed lines beside the lines that replaced them, row by row.</summary>
    private static void AddChange(List<DiffRow> rows, IReadOnlyList<string> removed, IReadOnlyList<string> added)
    {
        for (var i = 0; i < Math.Max(removed.Count, added.Count); i++)
        {
            rows.Add(new DiffRow(i < removed.Count ? removed[i] : null, i < added.Count ? added[i] : null));
        }
    }
}
