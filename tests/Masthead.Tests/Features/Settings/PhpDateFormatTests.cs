using Masthead.Features.Settings;

namespace Masthead.Tests.Features.Settings;

public sealed class PhpDateFormatTests
{
    private static readonly DateTime Moment = new(2025, 3, 1, 15, 7, 9);

    [Theory]
    [InlineData("F j, Y", "March 1, 2025")]
    [InlineData("Y-m-d", "2025-03-01")]
    [InlineData("d/m/Y", "01/03/2025")]
    [InlineData("g:i a", "3:07 pm")]
    [InlineData("H:i:s", "15:07:09")]
    [InlineData("l, jS \\o\\f F", "Saturday, 1st of March")]
    [InlineData("M y", "Mar 25")]
    public void Format_WordPressFormats_MatchPhp(string format, string expected) =>
        Assert.Equal(expected, PhpDateFormat.Format(Moment, format));

    [Fact]
    public void FromOptions_TimeZoneSetting_ConvertsForDisplay()
    {
        var settings = SiteSettings.FromOptions(new Dictionary<string, string> { [SiteSettings.Names.TimeZone] = "America/New_York" });

        var local = settings.ToLocal(new DateTime(2025, 3, 1, 15, 0, 0, DateTimeKind.Utc));

        Assert.Equal(new DateTime(2025, 3, 1, 10, 0, 0), local);
        Assert.Equal(new DateTime(2025, 3, 1, 15, 0, 0), settings.ToUtc(local));
    }

    [Fact]
    public void FromOptions_Empty_UsesWordPressDefaults()
    {
        var settings = SiteSettings.FromOptions(new Dictionary<string, string>());

        Assert.Equal(10, settings.PostsPerPage);
        Assert.Equal("/%year%/%monthnum%/%day%/%postname%/", settings.PermalinkStructure);
        Assert.Equal(TimeZoneInfo.Utc, settings.TimeZone);
        Assert.Equal("F j, Y", settings.DateFormat);
    }
}
