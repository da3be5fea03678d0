using System.Collections.Concurrent;
using Fluid;
using Masthead.Features.Themes.Filters;
using Microsoft.Extensions.Options;

namespace Masthead.Features.Themes;

/// <summary>Where themes live: the bundled <c>themes/</c> folder and any extra folders from configuration.</summary>
public sealed class ThemeOptions
{
    /// <summary>Folders searched before the bundled one, each holding theme folders.</summary>
    public List<string> ExtraFolders { get; set; } = [];
}

/// <summary>Loads themes by folder name, each once, with its parent chain resolved.</summary>
public sealed class ThemeCatalog(IOptions<ThemeOptions> options)
{
    private const int MaxParentDepth = 8;
    private static readonly FluidParser Parser = new(new FluidParserOptions { AllowFunctions = false });
    private readonly ConcurrentDictionary<string, Lazy<Theme>> _themes = new(StringComparer.Ordinal);

    private IEnumerable<string> Roots =>
        options.Value.ExtraFolders.Append(Path.Combine(AppContext.BaseDirectory, "themes"));

    public Theme Get(string slug)
    {
        if (_themes.TryGetValue(slug, out var known))
        {
            return known.Value;
        }
        // Only themes that exist are remembered, so requests for made-up names cannot grow the cache.
        _ = FindFolder(slug) ?? throw new InvalidDataException($"Theme '{slug}' was not found.");
        return _themes.GetOrAdd(slug, s => new Lazy<Theme>(() => Load(s))).Value;
    }

    /// <summary>Every theme that can be found, by folder name (the first root that holds a name wins, as <see cref="Get"/> does).</summary>
    public IReadOnlyList<(string Slug, ThemeManifest Manifest)> Available()
    {
        var found = new SortedDictionary<string, ThemeManifest>(StringComparer.Ordinal);
        foreach (var root in Roots.Where(Directory.Exists))
        {
            foreach (var folder in Directory.EnumerateDirectories(root))
            {
                var slug = Path.GetFileName(folder);
                if (!found.ContainsKey(slug) && File.Exists(Path.Combine(folder, "theme.json")))
                {
                    try
                    {
                        found[slug] = ThemeManifest.Read(Path.Combine(folder, "theme.json"));
                    }
                    catch (InvalidDataException)
                    {
                        // A broken manifest is left off the list; activating it is refused with the reason.
                    }
                }
            }
        }
        return [.. found.Select(f => (f.Key, f.Value))];
    }

    private Theme Load(string slug)
    {
        var folders = new List<string>();
        ThemeManifest? manifest = null;
        for (var current = slug; current is not null;)
        {
            if (folders.Count == MaxParentDepth)
            {
                throw new InvalidDataException($"Theme '{slug}' has a parent chain deeper than {MaxParentDepth} (a loop?).");
            }
            var folder = FindFolder(current)
                ?? throw new InvalidDataException($"Theme '{current}' was not found in {string.Join(", ", Roots)}.");
            var own = ThemeManifest.Read(Path.Combine(folder, "theme.json"));
            manifest ??= own;
            folders.Add(folder);
            current = own.Parent;
        }

        var templateOptions = new TemplateOptions
        {
            FileProvider = new Theme.ChainFileProvider(folders),
            MemberAccessStrategy = new DefaultMemberAccessStrategy { MemberNameStrategy = MemberNameStrategies.SnakeCase },
            // A theme is trusted code from the site owner, but a runaway loop must not take the site down.
            MaxSteps = 1_000_000,
            MaxRecursion = 50,
        };
        RegisterModels(templateOptions.MemberAccessStrategy);
        templateOptions.Filters.AddFilter(AssetUrlFilter.Name, AssetUrlFilter.Invoke);
        return new Theme(slug, manifest!, folders, Parser, templateOptions);
    }

    private string? FindFolder(string slug)
    {
        // A slug is a folder name, never a path.
        if (slug.Length == 0 || slug.IndexOfAny(['/', '\\', '.']) >= 0)
        {
            return null;
        }
        return Roots
            .Select(root => Path.GetFullPath(Path.Combine(root, slug)))
            .FirstOrDefault(folder => File.Exists(Path.Combine(folder, "theme.json")));
    }

    private static void RegisterModels(MemberAccessStrategy access)
    {
        access.Register<SiteTemplateModel>();
        access.Register<PageMetaTemplateModel>();
        access.Register<LinkTemplateModel>();
        access.Register<PostTemplateModel>();
        access.Register<CommentTemplateModel>();
        access.Register<DiscussionTemplateModel>();
        access.Register<CommentFormTemplateModel>();
        access.Register<PaginationTemplateModel>();
        access.Register<PageLinkTemplateModel>();
        access.Register<ArchiveTemplateModel>();
        access.Register<RecentCommentTemplateModel>();
        access.Register<CategoryCountTemplateModel>();
        access.Register<MonthArchiveTemplateModel>();
        access.Register<SidebarTemplateModel>();
    }
}
