using System.Collections.Concurrent;
using System.Security.Cryptography;
using Fluid;
using Microsoft.Extensions.FileProviders;

namespace Masthead.Features.Themes;

/// <summary>
/// A loaded theme with its parents: any file is looked up in the theme's own folder first, then in each parent's,
/// so a child theme overrides exactly the files it ships. Parsed templates and asset fingerprints are cached.
/// </summary>
public sealed class Theme
{
    // Only files the theme has are parsed and kept: template names come partly from requests (a slug in
    // single-post-{slug}), so caching misses would let made-up names grow memory without bound.
    private readonly ConcurrentDictionary<string, IFluidTemplate> _templates = new(StringComparer.Ordinal);
    private readonly HashSet<string> _liquidFiles;
    private readonly ConcurrentDictionary<string, string?> _fingerprints = new(StringComparer.Ordinal);
    private readonly FluidParser _parser;

    internal Theme(string slug, ThemeManifest manifest, IReadOnlyList<string> folders, FluidParser parser, TemplateOptions options)
    {
        Slug = slug;
        Manifest = manifest;
        Folders = folders;
        _parser = parser;
        Options = options;
        // A theme's files are fixed while the site runs (a theme change is a restart), so the list is read once.
        _liquidFiles = new HashSet<string>(
            folders.Where(Directory.Exists).SelectMany(folder => Directory.EnumerateFiles(folder, "*.liquid", SearchOption.AllDirectories)
                .Select(file => Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/'))),
            StringComparer.Ordinal);
    }

    /// <summary>How many parsed templates are held: never more than the theme chain's Liquid files.</summary>
    internal int CachedTemplateCount => _templates.Count;

    public string Slug { get; }
    public ThemeManifest Manifest { get; }
    /// <summary>The theme's folder, then its parent's, and so on.</summary>
    public IReadOnlyList<string> Folders { get; }
    public TemplateOptions Options { get; }

    /// <summary>The full path of a theme file, from the most derived theme that has it.</summary>
    public string? FindFile(string relativePath) => Find("", relativePath);

    /// <summary>The full path of a file under a theme's <c>assets/</c>, the only folder served to browsers.</summary>
    public string? FindAsset(string relativePath) => Find("assets", relativePath);

    private string? Find(string area, string relativePath)
    {
        foreach (var folder in Folders)
        {
            var root = Path.Combine(folder, area).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            var full = Path.GetFullPath(Path.Combine(root, relativePath));
            // A path that climbs out of its area is never a theme file.
            if (!full.StartsWith(root, StringComparison.Ordinal))
            {
                return null;
            }
            if (File.Exists(full))
            {
                return full;
            }
        }
        return null;
    }

    /// <summary>The parsed template <c>name</c> under <paramref name="folder"/>, or null when no theme in the chain has it.</summary>
    public IFluidTemplate? GetTemplate(string folder, string name)
    {
        var relative = $"{folder}/{name}.liquid";
        if (!_liquidFiles.Contains(relative))
        {
            return null;
        }
        return _templates.GetOrAdd(relative, key =>
        {
            var path = FindFile(key) ?? throw new FileNotFoundException($"Theme '{Slug}': {key} was removed while the site runs.");
            var source = File.ReadAllText(path);
            return _parser.TryParse(source, out var template, out var error)
                ? template
                : throw new InvalidDataException($"Theme '{Slug}': {key} does not parse: {error}");
        });
    }

    /// <summary>A short hash of an asset's bytes for cache-busting URLs, or null when the asset does not exist.</summary>
    public string? Fingerprint(string assetPath) =>
        _fingerprints.GetOrAdd(assetPath, relative =>
        {
            var path = FindAsset(relative);
            if (path is null)
            {
                return null;
            }
            var hash = SHA256.HashData(File.ReadAllBytes(path));
            return Convert.ToHexStringLower(hash)[..12];
        });

    /// <summary>
    /// Files for Liquid's include tag, resolved through the theme chain. Fluid asks for the file on every include,
    /// so answers are remembered: a theme's files are fixed while the site runs (a theme change is a restart).
    /// </summary>
    internal sealed class ChainFileProvider(IReadOnlyList<string> folders) : IFileProvider
    {
        private readonly PhysicalFileProvider[] _providers = [.. folders.Select(f => new PhysicalFileProvider(f))];
        private readonly ConcurrentDictionary<string, IFileInfo> _found = new(StringComparer.Ordinal);

        public IFileInfo GetFileInfo(string subpath) => _found.GetOrAdd(subpath, Find);

        private IFileInfo Find(string subpath)
        {
            foreach (var provider in _providers)
            {
                var file = provider.GetFileInfo(subpath);
                if (file.Exists)
                {
                    return file;
                }
            }
            return new NotFoundFileInfo(subpath);
        }

        public IDirectoryContents GetDirectoryContents(string subpath) => _providers[0].GetDirectoryContents(subpath);

        public Microsoft.Extensions.Primitives.IChangeToken Watch(string filter) => _providers[0].Watch(filter);
    }
}
