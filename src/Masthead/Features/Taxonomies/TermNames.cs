using Masthead.Data;
using Masthead.Features.Permalinks;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Taxonomies;

/// <summary>Finding terms by the names writers type, and making the ones that do not exist yet, in bounded work.</summary>
public static class TermNames
{
    /// <summary>How many tags one post may carry; WordPress sets no limit, but one save must stay one small piece of work.</summary>
    public const int MaxTagsPerPost = 50;

    /// <summary>Gives terms saved before lookup names existed their <see cref="Term.NormalizedName"/>, once, at start-up.</summary>
    public static async Task FillNormalizedNamesAsync(this AppDbContext db, CancellationToken cancellationToken)
    {
        var unnamed = await db.Terms.Where(t => t.NormalizedName == "" && t.Name != "").ToListAsync(cancellationToken);
        foreach (var term in unnamed)
        {
            term.Name = term.Name;
        }
        if (unnamed.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>
    /// A slug no other term of <paramref name="taxonomy"/> uses, nor any of <paramref name="alsoTaken"/> (slugs chosen
    /// for terms not saved yet), found with one query.
    /// </summary>
    public static Task<string> FreeSlugAsync(this AppDbContext db, Taxonomy taxonomy, string wanted, IReadOnlyCollection<string>? alsoTaken = null) =>
        Slug.UniqueAsync(wanted, Slug.MaxLength, async prefix =>
        [
            .. await db.Terms.Where(t => t.Taxonomy == taxonomy && t.Slug.StartsWith(prefix)).Select(t => t.Slug).ToListAsync(),
            .. (alsoTaken ?? []).Where(s => s.StartsWith(prefix, StringComparison.Ordinal)),
        ]);

    /// <summary>The ids of the terms with these names (in any letter case), by one lookup through the name index.</summary>
    public static async Task<Dictionary<string, int>> FindAsync(this AppDbContext db, Taxonomy taxonomy, IEnumerable<string> names)
    {
        var keys = names.Select(Term.Normalize).Distinct(StringComparer.Ordinal).ToList();
        var found = await db.Terms.Where(t => t.Taxonomy == taxonomy && keys.Contains(t.NormalizedName))
            .Select(t => new { t.Id, t.NormalizedName }).ToListAsync();
        // Two terms may share a name (categories under different parents); the oldest answers, as WordPress's lookup does.
        return found.GroupBy(t => t.NormalizedName).ToDictionary(g => g.Key, g => g.Min(t => t.Id), StringComparer.Ordinal);
    }

    /// <summary>
    /// The ids of these tags, creating the missing ones: one query finds the existing, one query per new tag finds
    /// its slug, one save adds them all. Called before the post's own transaction, so a long list of new tags never
    /// holds the write lock others wait on. A tag made by someone else at the same moment is looked up again.
    /// </summary>
    public static async Task<List<int>> EnsureTagsAsync(this AppDbContext db, IReadOnlyList<string> names)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = await db.FindAsync(Taxonomy.PostTag, names);
            var created = new Dictionary<string, Term>(StringComparer.Ordinal);
            var chosenSlugs = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in names)
            {
                var key = Term.Normalize(name);
                if (existing.ContainsKey(key) || created.ContainsKey(key))
                {
                    continue;
                }
                var slug = await db.FreeSlugAsync(Taxonomy.PostTag, Slug.From(name), chosenSlugs);
                chosenSlugs.Add(slug);
                created[key] = new Term { Taxonomy = Taxonomy.PostTag, Name = name, Slug = slug };
            }
            if (created.Count == 0)
            {
                return [.. names.Select(n => existing[Term.Normalize(n)]).Distinct()];
            }
            db.Terms.AddRange(created.Values);
            try
            {
                await db.SaveChangesAsync();
            }
            catch (DbUpdateException conflict) when (conflict.IsConflict() && attempt < 3)
            {
                foreach (var term in created.Values)
                {
                    db.Entry(term).State = EntityState.Detached;
                }
                continue;
            }
            return [.. names.Select(n => existing.TryGetValue(Term.Normalize(n), out var id) ? id : created[Term.Normalize(n)].Id).Distinct()];
        }
    }
}
