using System.Text.Json;
using System.Text.Json.Serialization;

namespace Masthead.Features.Themes;

/// <summary>A theme's <c>theme.json</c>: what it is called, what it inherits, and what it offers to configure.</summary>
public sealed record ThemeManifest
{
    public required string Name { get; init; }
    public string Version { get; init; } = "1.0.0";
    /// <summary>The folder name of the parent theme whose files this theme falls back to.</summary>
    public string? Parent { get; init; }
    public string Description { get; init; } = "";
    public IReadOnlyList<string> WidgetAreas { get; init; } = [];
    public IReadOnlyList<string> Menus { get; init; } = [];

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public static ThemeManifest Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<ThemeManifest>(stream, JsonOptions)
                ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid theme manifest: {e.Message}", e);
        }
    }
}
