namespace Masthead.Features.Settings;

/// <summary>One site setting, stored under WordPress's option name where one exists.</summary>
public sealed class SiteOption
{
    public string Name { get; set; } = "";
    public string Value { get; set; } = "";
}
