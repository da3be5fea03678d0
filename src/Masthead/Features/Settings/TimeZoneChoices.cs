using System.Globalization;

namespace Masthead.Features.Settings;

/// <summary>One choice in the time zone picker: the stored id and what the picker shows.</summary>
public sealed record TimeZoneChoice(string Id, string Label);

/// <summary>A region of the picker ("Europe", "America"), its zones sorted by name.</summary>
public sealed record TimeZoneGroup(string Region, IReadOnlyList<TimeZoneChoice> Zones);

/// <summary>
/// The time zones the setting takes, grouped by region as the IANA database names them ("Europe/Paris" under Europe):
/// the machine's own zones, UTC, and the fixed offsets (Etc/GMT-5 is five hours ahead of UTC; the sign is the
/// database's, the label the usual one). A stored id that is none of these but still valid (an alias such as
/// "US/Eastern") stays choosable, so opening the screen and saving it never changes the site's zone.
/// </summary>
public static class TimeZoneChoices
{
    private const string OffsetRegion = "Fixed offsets";

    private static readonly Lazy<IReadOnlyList<TimeZoneGroup>> All = new(Build);

    public static IReadOnlyList<TimeZoneGroup> For(string storedId)
    {
        var groups = All.Value;
        if (groups.Any(g => g.Zones.Any(z => z.Id == storedId)) || !TimeZoneInfo.TryFindSystemTimeZoneById(storedId, out _))
        {
            return groups;
        }
        return [new TimeZoneGroup("Current", [new TimeZoneChoice(storedId, storedId)]), .. groups];
    }

    /// <summary>"America/Argentina/Buenos_Aires" → "Argentina / Buenos Aires".</summary>
    internal static string LabelOf(string id) =>
        id.Contains('/', StringComparison.Ordinal) ? id[(id.IndexOf('/', StringComparison.Ordinal) + 1)..].Replace("_", " ", StringComparison.Ordinal).Replace("/", " / ", StringComparison.Ordinal) : id;

    private static IReadOnlyList<TimeZoneGroup> Build()
    {
        var regional = TimeZoneInfo.GetSystemTimeZones()
            .Select(z => z.Id)
            .Where(id => id.Contains('/', StringComparison.Ordinal) && !id.StartsWith("Etc/", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .GroupBy(id => id[..id.IndexOf('/', StringComparison.Ordinal)], StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new TimeZoneGroup(g.Key, [.. g.Select(id => new TimeZoneChoice(id, LabelOf(id))).OrderBy(z => z.Label, StringComparer.Ordinal)]))
            .ToList();
        var offsets = new List<TimeZoneChoice>();
        for (var hours = -12; hours <= 14; hours++)
        {
            // Etc/GMT+5 is five hours behind UTC: POSIX signs, the other way round from how people write offsets.
            var id = hours == 0 ? "Etc/GMT" : string.Create(CultureInfo.InvariantCulture, $"Etc/GMT{(hours > 0 ? "-" : "+")}{Math.Abs(hours)}");
            if (hours != 0 && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _))
            {
                offsets.Add(new TimeZoneChoice(id, string.Create(CultureInfo.InvariantCulture, $"UTC{(hours > 0 ? "+" : "−")}{Math.Abs(hours)}")));
            }
        }
        return [new TimeZoneGroup("UTC", [new TimeZoneChoice("UTC", "UTC")]), .. regional, new TimeZoneGroup(OffsetRegion, offsets)];
    }
}
