using Fluid;
using Fluid.Values;

namespace Masthead.Features.Themes.Filters;

/// <summary><c>{{ 'style.css' | asset_url }}</c>: the theme asset's URL, fingerprinted so it can be cached for a year.</summary>
public static class AssetUrlFilter
{
    public const string Name = "asset_url";

    public static ValueTask<FluidValue> Invoke(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        var theme = (Theme)context.AmbientValues[ThemeRenderer.ThemeKey];
        var path = input.ToStringValue().TrimStart('/');
        var fingerprint = theme.Fingerprint(path);
        var url = fingerprint is null
            ? $"/theme-assets/{theme.Slug}/{path}"
            : $"/theme-assets/{theme.Slug}/{path}?v={fingerprint}";
        return new StringValue(url);
    }
}
