using System.Globalization;
using System.Text.RegularExpressions;
using Masthead.Data;
using Masthead.Features.Posts;
using Masthead.Features.Settings;
using Masthead.Features.Taxonomies;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Masthead.Features.Permalinks;

/// <summary>
/// The addresses published content had before its slug or date changed, kept as WordPress keeps them for posts
/// (<c>_wp_old_slug</c>, <c>_wp_old_date</c> post meta, so an import brings them along and an export takes them
/// out), and in term meta for categories and tags, so a link shared last year still finds the story.
/// </summary>
public static partial class OldSlugs
{
    public const string PostSlugKey = "_wp_old_slug";
    public const string PostDateKey = "_wp_old_date";
    public const string TermSlugKey = "_masthead_old_slug";

    private static readonly string[] DateTokens = ["year", "monthnum", "day"];

    /// <summary>The SQL condition of the partial indexes the lookups use, the same text on SQLite and PostgreSQL.</summary>
    internal const string PostSlugFilter = $"\"Key\" = '{PostSlugKey}'";
    internal const string TermSlugFilter = $"\"Key\" = '{TermSlugKey}'";

    /// <summary>
    /// Where a request that matched nothing should go, when its last slug is one a published post, page, category
    /// or tag used to have (or the post's date moved); null when nothing used to live there.
    /// </summary>
    public static async Task<string?> NewUrlAsync(ReaderContext reader, string path)
    {
        var site = reader.Site;
        var archive = TermArchiveRegex().Match(path);
        if (archive.Success)
        {
            var taxonomy = archive.Groups[1].Value == "category" ? Taxonomy.Category : Taxonomy.PostTag;
            var slug = archive.Groups[2].Value.ToLowerInvariant().Split('/')[^1];
            var termSlug = await reader.Db.TermMeta.AsNoTracking()
                .Where(m => m.Key == TermSlugKey && m.Value == slug)
                .Join(reader.Db.Terms.Where(t => t.Taxonomy == taxonomy), m => m.TermId, t => t.Id, (m, t) => t.Slug)
                .FirstOrDefaultAsync();
            return termSlug is not null && site.Term(taxonomy, termSlug) is { } term ? site.TermUrl(term) : null;
        }

        var last = path.Trim('/').Split('/')[^1].ToLowerInvariant();
        if (last.Length is 0 or > Slug.MaxLength)
        {
            return null;
        }
        // A post still has this slug but was dated otherwise: its date moved. Only a path in the shape of a post's
        // permalink can mean that; a page found at a path that is not its own stays not found.
        var tokens = PermalinkTokens(site, path);
        var dateMoved = tokens is not null && tokens.TryGetValue("postname", out var postname)
            && string.Equals(postname, last, StringComparison.OrdinalIgnoreCase)
            && DateTokens.All(t => !tokens.TryGetValue(t, out var digits) || digits.All(char.IsAsciiDigit));
        var candidates = await reader.Db.Posts.AsNoTracking()
            .OfPostTypes(ReaderQuery.PostsAndPages.Types).VisibleTo(ReaderViewer.Anonymous)
            .Where(p => (dateMoved && p.Type == PostType.Post && p.Slug == last)
                || reader.Db.PostMeta.Any(m => m.PostId == p.Id && m.Key == PostSlugKey && m.Value == last))
            .OrderByDescending(p => p.PublishedAtUtc).Take(20)
            .Select(PostCards.Row)
            .ToListAsync();
        if (candidates.Count == 0)
        {
            return null;
        }
        var chosen = candidates.Count == 1 ? candidates[0] : await ByRequestedDateAsync(reader, tokens, candidates) ?? candidates[0];
        var url = PostCards.Build(site, chosen, singular: true).Url;
        // Never answer a page with a redirect to itself.
        return string.Equals(url, path, StringComparison.Ordinal) ? null : url;
    }

    private static IReadOnlyDictionary<string, string>? PermalinkTokens(SiteSnapshot site, string path) =>
        site.Permalinks.Match(path) ?? site.PreviousPermalinks.Select(p => p.Match(path)).FirstOrDefault(t => t is not null);

    /// <summary>Of several posts that had the slug, the one whose date (now or before) is the one the old URL names.</summary>
    private static async Task<PostRow?> ByRequestedDateAsync(
        ReaderContext reader, IReadOnlyDictionary<string, string>? tokens, List<PostRow> candidates)
    {
        if (tokens is null || !tokens.TryGetValue("year", out var year))
        {
            return null;
        }
        var month = tokens.GetValueOrDefault("monthnum");
        var day = tokens.GetValueOrDefault("day");
        bool Names(string date) =>
            date.StartsWith(year, StringComparison.Ordinal)
            && (month is null || date.Length >= 7 && date[5..7] == month)
            && (day is null || date.Length >= 10 && date[8..10] == day);

        var ids = candidates.Select(c => c.Id).ToList();
        var oldDates = await reader.Db.PostMeta.AsNoTracking()
            .Where(m => ids.Contains(m.PostId) && m.Key == PostDateKey).Select(m => new { m.PostId, m.Value }).ToListAsync();
        return candidates.FirstOrDefault(c =>
            Names(LocalDate(reader.Settings.TimeZone, c.PublishedAtUtc)) || oldDates.Any(d => d.PostId == c.Id && Names(d.Value)));
    }

    /// <summary>A date as <c>_wp_old_date</c> holds it: the day in the site's time zone.</summary>
    private static string LocalDate(TimeZoneInfo zone, DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(utc, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes the old-slug records for every published post, page and term whose address changes in this save, in
    /// the same save, whichever screen, API or command changed it.
    /// </summary>
    internal sealed class Recorder : SaveChangesInterceptor
    {
        public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
            eventData.Context is AppDbContext db && Moves(db).Any()
                ? throw new InvalidOperationException("A published address changed in a synchronous save; use SaveChangesAsync.")
                : result;

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (eventData.Context is AppDbContext db)
            {
                await RecordAsync(db, cancellationToken);
            }
            return result;
        }

        /// <summary>Modified posts and terms whose slug, or (for posts) date, is about to change.</summary>
        private static IEnumerable<EntityEntry> Moves(AppDbContext db) =>
            db.ChangeTracker.Entries().Where(e => e.State == EntityState.Modified && e.Entity is Post or Term
                && (Changed(e, nameof(Post.Slug)) || e.Entity is Post && Changed(e, nameof(Post.PublishedAtUtc))));

        private static bool Changed(EntityEntry entry, string property) =>
            entry.Property(property) is var p && !Equals(p.OriginalValue, p.CurrentValue);

        private static async Task RecordAsync(AppDbContext db, CancellationToken cancellationToken)
        {
            TimeZoneInfo? zone = null;
            foreach (var entry in Moves(db).ToList())
            {
                switch (entry.Entity)
                {
                    // CASE: a published post or page: its slug and its date are both in its address.
                    case Post post when WasAndIsPublished(entry) && PostTypeRegistry.RulesOf(post.Type).Public:
                        var oldSlug = (string)entry.Property(nameof(Post.Slug)).OriginalValue!;
                        if (oldSlug != post.Slug && oldSlug.Length > 0)
                        {
                            await RememberAsync(db.PostMeta, post.Id, PostSlugKey, oldSlug, post.Slug, cancellationToken);
                        }
                        var oldDate = (DateTime)entry.Property(nameof(Post.PublishedAtUtc)).OriginalValue!;
                        if (oldDate != post.PublishedAtUtc)
                        {
                            zone ??= await TimeZoneAsync(db, cancellationToken);
                            var before = LocalDate(zone, oldDate);
                            var after = LocalDate(zone, post.PublishedAtUtc);
                            if (before != after)
                            {
                                await RememberAsync(db.PostMeta, post.Id, PostDateKey, before, after, cancellationToken);
                            }
                        }
                        break;

                    // CASE: a category or tag, whose archive is at its slug.
                    case Term term when TaxonomyRegistry.RulesOf(term.Taxonomy).ArchiveBase is not null:
                        var oldTermSlug = (string)entry.Property(nameof(Term.Slug)).OriginalValue!;
                        if (oldTermSlug != term.Slug && oldTermSlug.Length > 0)
                        {
                            await RememberAsync(db.TermMeta, term.Id, TermSlugKey, oldTermSlug, term.Slug, cancellationToken);
                        }
                        break;
                }
            }
        }

        private static bool WasAndIsPublished(EntityEntry entry) =>
            entry.Property(nameof(Post.Status)).OriginalValue is PostStatus.Publish && ((Post)entry.Entity).Status == PostStatus.Publish;

        /// <summary>Adds <paramref name="old"/> once, and forgets <paramref name="current"/>: it is an address again.</summary>
        private static Task RememberAsync(DbSet<PostMeta> meta, int postId, string key, string old, string current, CancellationToken ct) =>
            RememberAsync(meta, m => m.PostId == postId && m.Key == key, m => m.Value, () => new PostMeta { PostId = postId, Key = key, Value = old },
                old, current, ct);

        private static Task RememberAsync(DbSet<TermMeta> meta, int termId, string key, string old, string current, CancellationToken ct) =>
            RememberAsync(meta, m => m.TermId == termId && m.Key == key, m => m.Value, () => new TermMeta { TermId = termId, Key = key, Value = old },
                old, current, ct);

        private static async Task RememberAsync<TMeta>(
            DbSet<TMeta> meta, System.Linq.Expressions.Expression<Func<TMeta, bool>> ofThis, Func<TMeta, string> valueOf,
            Func<TMeta> create, string old, string current, CancellationToken cancellationToken) where TMeta : class
        {
            var kept = await meta.Where(ofThis).ToListAsync(cancellationToken);
            meta.RemoveRange(kept.Where(m => valueOf(m) == current));
            if (!kept.Any(m => valueOf(m) == old))
            {
                meta.Add(create());
            }
        }

        private static async Task<TimeZoneInfo> TimeZoneAsync(AppDbContext db, CancellationToken cancellationToken)
        {
            var options = await db.Options.AsNoTracking().Where(o => o.Name == SiteSettings.Names.TimeZone)
                .ToDictionaryAsync(o => o.Name, o => o.Value, cancellationToken);
            return SiteSettings.FromOptions(options).TimeZone;
        }
    }

    [GeneratedRegex("^/(category|tag)/(.+?)/?$", RegexOptions.CultureInvariant)]
    private static partial Regex TermArchiveRegex();
}
