using System.Globalization;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Admin;
using Masthead.Features.Permalinks;
using Masthead.Features.Posts;
using Masthead.Features.Settings;
using Masthead.Features.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Taxonomies;

/// <summary>
/// Categories and tags for editors (manage_categories): the list with post counts, add, edit and delete. Deleting a
/// category moves its posts that would be left without one to the default category, as WordPress does.
/// </summary>
public static class ManageTerms
{
    public const string DefaultCategoryOption = "default_category";

    public static void MapTerms(this RouteGroupBuilder admin)
    {
        foreach (var (path, taxonomy) in new[] { ("categories", Taxonomy.Category), ("tags", Taxonomy.PostTag) })
        {
            admin.MapGet($"/{path}", (HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery) =>
                ListAsync(http, db, settings, antiforgery, taxonomy, null, [])).RequireAuthorization(Capabilities.ManageCategories);
            admin.MapGet($"/{path}/{{id:int}}/edit", (HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery, int id) =>
                EditAsync(http, db, settings, antiforgery, taxonomy, id)).RequireAuthorization(Capabilities.ManageCategories);
            admin.MapPost($"/{path}", (HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery, ActivityLog activity,
                    [FromForm(Name = "term_id")] int? id, [FromForm(Name = "name")] string? name, [FromForm(Name = "slug")] string? slug,
                    [FromForm(Name = "parent")] int? parent, [FromForm(Name = "description")] string? description) =>
                    SaveAsync(http, db, settings, antiforgery, activity, taxonomy, id, name, slug, parent, description))
                .RequireAuthorization(Capabilities.ManageCategories);
            admin.MapPost($"/{path}/{{id:int}}/delete", (HttpContext http, AppDbContext db, ActivityLog activity, int id, IFormCollection form) =>
                DeleteAsync(http, db, activity, taxonomy, id)).RequireAuthorization(Capabilities.ManageCategories);
            admin.MapPost($"/{path}/bulk", (HttpContext http, AppDbContext db, ActivityLog activity, IFormCollection form) =>
                BulkAsync(http, db, activity, taxonomy, form)).RequireAuthorization(Capabilities.ManageCategories);
        }
    }

    private static string PathOf(Taxonomy taxonomy) => taxonomy == Taxonomy.Category ? "categories" : "tags";

    private static async Task<IResult> SaveAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery,
        ActivityLog activity, Taxonomy taxonomy, int? id, string? name, string? slug, int? parent, string? description)
    {
        name = (name ?? "").Trim();
        description = (description ?? "").Trim();
        var wanted = Slug.From(string.IsNullOrWhiteSpace(slug) ? name : slug);
        var term = id is { } existing ? await db.Terms.SingleOrDefaultAsync(t => t.Id == existing && t.Taxonomy == taxonomy) : new Term { Taxonomy = taxonomy };
        if (term is null)
        {
            return TypedResults.NotFound();
        }
        var errors = new List<string>();
        if (name.Length is 0 or > 200)
        {
            errors.Add("Name: write one, up to 200 characters.");
        }
        if (wanted.Length == 0)
        {
            errors.Add("Slug: use at least one letter or digit.");
        }
        else if (await db.Terms.AnyAsync(t => t.Taxonomy == taxonomy && t.Slug == wanted && t.Id != term.Id))
        {
            errors.Add("Slug: another term already uses it.");
        }
        if (description.Length > 2000)
        {
            errors.Add("Description: up to 2,000 characters.");
        }
        if (taxonomy == Taxonomy.Category && parent is { } parentId && parentId > 0)
        {
            // A category may not sit under itself or under one of its own descendants.
            var ancestors = new HashSet<int>();
            int? current = parentId;
            while (current is { } c && ancestors.Add(c))
            {
                current = await db.Terms.Where(t => t.Id == c).Select(t => t.ParentId).SingleOrDefaultAsync();
            }
            if (term.Id != 0 && ancestors.Contains(term.Id) || !await db.Terms.AnyAsync(t => t.Id == parentId && t.Taxonomy == Taxonomy.Category))
            {
                errors.Add("Parent: choose another category.");
            }
        }
        // What was typed comes back with the errors, on the screen it was typed on.
        var entered = new TermFields(id, name, slug ?? "", parent > 0 ? parent : null, description);
        if (errors.Count > 0)
        {
            return await ScreenAsync(http, db, settings, antiforgery, taxonomy, null, errors, entered);
        }
        term.Name = name;
        term.Slug = wanted;
        term.Description = description;
        term.ParentId = taxonomy == Taxonomy.Category && parent > 0 ? parent : null;
        if (term.Id == 0)
        {
            db.Terms.Add(term);
        }
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException conflict) when (conflict.IsConflict())
        {
            // Someone added a term with this slug between the check above and this save; the unique index said no.
            db.ForgetPendingChanges();
            return await ScreenAsync(http, db, settings, antiforgery, taxonomy, null, ["Slug: another term already uses it."], entered);
        }
        await activity.RecordAsync(http, id is null ? "added a term" : "edited a term", http.User.Identity?.Name ?? "", detail: $"{WpName.Of(taxonomy)} {name}");
        return TypedResults.Redirect($"/admin/{PathOf(taxonomy)}?done=saved");
    }

    /// <summary>The category a post gets when it is given none (0 when the option is missing).</summary>
    public static async Task<int> DefaultCategoryIdAsync(AppDbContext db) =>
        int.TryParse((await db.Options.FindAsync(DefaultCategoryOption))?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;

    private static async Task<IResult> DeleteAsync(HttpContext http, AppDbContext db, ActivityLog activity, Taxonomy taxonomy, int id)
    {
        var term = await db.Terms.SingleOrDefaultAsync(t => t.Id == id && t.Taxonomy == taxonomy);
        var defaultCategory = await DefaultCategoryIdAsync(db);
        if (term is null || term.Id == defaultCategory)
        {
            return TypedResults.BadRequest();
        }
        await DeleteOneAsync(http, db, activity, term, defaultCategory);
        return TypedResults.Redirect($"/admin/{PathOf(taxonomy)}?done=deleted");
    }

    /// <summary>Bulk "Delete": each ticked term goes as a single delete would; the default category stays.</summary>
    private static async Task<IResult> BulkAsync(HttpContext http, AppDbContext db, ActivityLog activity, Taxonomy taxonomy, IFormCollection form)
    {
        var ids = BulkChoice.Ids(form, "delete_tags[]");
        if (BulkChoice.Action(form) != "delete" || ids.Count == 0)
        {
            return TypedResults.Redirect($"/admin/{PathOf(taxonomy)}?done=nothing");
        }
        var defaultCategory = await DefaultCategoryIdAsync(db);
        var terms = await db.Terms.Where(t => ids.Contains(t.Id) && t.Taxonomy == taxonomy && t.Id != defaultCategory).ToListAsync();
        foreach (var term in terms)
        {
            await DeleteOneAsync(http, db, activity, term, defaultCategory);
        }
        return TypedResults.Redirect(string.Create(CultureInfo.InvariantCulture, $"/admin/{PathOf(taxonomy)}?done=deleted&count={terms.Count}"));
    }

    private static async Task DeleteOneAsync(HttpContext http, AppDbContext db, ActivityLog activity, Term term, int defaultCategory)
    {
        var id = term.Id;
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (term.Taxonomy == Taxonomy.Category && defaultCategory > 0)
        {
            // Posts whose only category this is move to the default category; a post is never left uncategorized.
            var orphans = await db.Posts
                .Where(p => p.Terms.Any(t => t.TermId == id) && !p.Terms.Any(t => t.TermId != id && t.Term.Taxonomy == Taxonomy.Category))
                .Select(p => p.Id).ToListAsync();
            db.PostTerms.AddRange(orphans.Select(postId => new PostTerm { PostId = postId, TermId = defaultCategory }));
        }
        await db.Terms.Where(t => t.ParentId == id).ExecuteUpdateAsync(set => set.SetProperty(t => t.ParentId, term.ParentId));
        db.Terms.Remove(term);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        await activity.RecordAsync(http, "deleted a term", http.User.Identity?.Name ?? "", detail: $"{WpName.Of(term.Taxonomy)} {term.Name}");
    }

    public const int PerPage = 20;

    /// <summary>A term's fields as a form holds them; <see cref="Id"/> is null for a new one.</summary>
    public sealed record TermFields(int? Id, string Name, string Slug, int? ParentId, string Description);

    public sealed record TermRow(int Id, string Name, string Slug, string Description, int Depth, int Count, bool IsDefault, string Url);

    /// <summary>A category offered as a parent, indented by its depth.</summary>
    public sealed record ParentChoice(int Id, string Name, int Depth);

    public sealed record TermsModel(
        AdminChrome Chrome, bool IsCategory, string Path, string? Notice, IReadOnlyList<string> Errors, TermFields Entered,
        IReadOnlyList<TermRow> Rows, IReadOnlyList<ParentChoice> ParentChoices, string Search, ListSort Sort, int Page, int PageCount, int Total)
    {
        public string Singular => IsCategory ? "Category" : "Tag";
        public string Plural => IsCategory ? "Categories" : "Tags";

        public static IReadOnlyList<(string Value, string Label)> BulkActions { get; } = [("delete", "Delete")];

        public string PageUrl(int n) => UrlOf(Sort, n);

        public string UrlOf(ListSort sort, int page = 1) =>
            ListUrl.Of(Path, [("s", Search), .. sort.Query(DefaultSort), ("paged", ListUrl.Page(page))]);
    }

    /// <summary>By name, A to Z; for categories that is the tree, each parent followed by its children.</summary>
    public static readonly ListSort DefaultSort = new("name", Descending: false);

    private static Task<IResult> ListAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery,
        Taxonomy taxonomy, string? notice, List<string> errors) =>
        ScreenAsync(http, db, settings, antiforgery, taxonomy, notice, errors, new TermFields(null, "", "", null, ""));

    private static async Task<IResult> EditAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery,
        Taxonomy taxonomy, int id)
    {
        var term = await db.Terms.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id && t.Taxonomy == taxonomy);
        return term is null
            ? TypedResults.NotFound()
            : await ScreenAsync(http, db, settings, antiforgery, taxonomy, null, [], new TermFields(term.Id, term.Name, term.Slug, term.ParentId, term.Description));
    }

    /// <summary>
    /// The list (with the add form) or, for an existing term, its edit screen. Only names and parents of every term are
    /// read, to order the tree and offer parents once; slugs, descriptions and counts only for the page shown.
    /// </summary>
    private static async Task<IResult> ScreenAsync(HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery,
        Taxonomy taxonomy, string? notice, List<string> errors, TermFields entered)
    {
        var isCategory = taxonomy == Taxonomy.Category;
        var path = $"/admin/{PathOf(taxonomy)}";
        var all = await db.Terms.AsNoTracking().Where(t => t.Taxonomy == taxonomy)
            .Select(t => new ParentChoiceRow(t.Id, t.Name, t.ParentId, t.Slug)).ToListAsync();
        var ordered = isCategory ? InTreeOrder(all) : [.. all.OrderBy(t => t.Name, StringComparer.CurrentCultureIgnoreCase).Select(t => new ParentChoice(t.Id, t.Name, 0))];
        var chrome = await AdminChrome.ForAsync(http, db, settings, antiforgery);
        if (entered.Id is not null)
        {
            return AdminFeature.Screen<EditTermScreen>(new TermsModel(chrome, isCategory, path, null, errors, entered, [], ordered, "", DefaultSort, 1, 1, 0));
        }

        var search = http.Request.Query["s"].ToString().Trim();
        var sort = ListSort.From(http.Request, DefaultSort, "name", "slug", "count");
        IEnumerable<ParentChoice> listed = search.Length == 0 && sort == DefaultSort ? ordered
            : ordered.Where(t => t.Name.Contains(search, StringComparison.CurrentCultureIgnoreCase)).Select(t => t with { Depth = 0 });
        if (sort != DefaultSort)
        {
            // Sorted by a column, the list is flat, as WordPress's is; the slugs and counts of every term are read once.
            var slugs = all.ToDictionary(t => t.Id, t => t.Slug);
            var counts = sort.Column == "count" ? await PublishedCountsAsync(db, taxonomy) : [];
            Func<ParentChoice, object> key = sort.Column switch
            {
                "slug" => t => slugs[t.Id],
                "count" => t => counts.GetValueOrDefault(t.Id),
                _ => t => t.Name,
            };
            var comparer = Comparer<object>.Create((a, b) => a is string x && b is string y ? StringComparer.CurrentCultureIgnoreCase.Compare(x, y) : Comparer<object>.Default.Compare(a, b));
            listed = sort.Descending ? listed.OrderByDescending(key, comparer).ThenBy(t => t.Name, StringComparer.CurrentCultureIgnoreCase)
                : listed.OrderBy(key, comparer).ThenBy(t => t.Name, StringComparer.CurrentCultureIgnoreCase);
        }
        var matching = listed.ToList();
        var pages = Math.Max(1, (matching.Count + PerPage - 1) / PerPage);
        var page = Math.Clamp(int.TryParse(http.Request.Query["paged"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1, 1, pages);
        var shown = matching.Skip((page - 1) * PerPage).Take(PerPage).ToList();
        var ids = shown.Select(t => t.Id).ToList();
        var details = await db.Terms.AsNoTracking().Where(t => ids.Contains(t.Id))
            .Select(t => new
            {
                t.Id,
                t.Slug,
                t.Description,
                Count = db.PostTerms.Count(pt => pt.TermId == t.Id && pt.Post.Type == PostType.Post && pt.Post.Status == PostStatus.Publish),
            })
            .ToDictionaryAsync(t => t.Id);
        var defaultCategory = isCategory ? await DefaultCategoryIdAsync(db) : 0;
        var archive = isCategory ? "category" : "tag";
        var rows = shown.Where(t => details.ContainsKey(t.Id)).Select(t =>
        {
            var d = details[t.Id];
            return new TermRow(t.Id, t.Name, d.Slug, d.Description, t.Depth, d.Count, t.Id == defaultCategory, $"/{archive}/{Uri.EscapeDataString(d.Slug)}/");
        }).ToList();
        var done = http.Request.Query["done"].ToString();
        var count = int.TryParse(http.Request.Query["count"], NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 1;
        notice ??= done switch
        {
            "saved" => "Saved.",
            "deleted" => $"{Words.Count(count, isCategory ? "category" : "tag", isCategory ? "categories" : "tags")} deleted.",
            "nothing" => "Nothing changed: choose a bulk action and tick at least one row.",
            _ => null,
        };
        return AdminFeature.Screen<TermsScreen>(new TermsModel(chrome, isCategory, path, notice, errors, entered, rows, ordered, search, sort, page, pages, matching.Count));
    }

    private sealed record ParentChoiceRow(int Id, string Name, int? ParentId, string Slug);

    /// <summary>Each term's published posts, in one grouped query, for sorting by the count.</summary>
    private static Task<Dictionary<int, int>> PublishedCountsAsync(AppDbContext db, Taxonomy taxonomy) =>
        db.PostTerms.Where(pt => pt.Term.Taxonomy == taxonomy && pt.Post.Type == PostType.Post && pt.Post.Status == PostStatus.Publish)
            .GroupBy(pt => pt.TermId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);

    /// <summary>Categories as WordPress lists them: each parent followed by its children, by name at every level.</summary>
    private static List<ParentChoice> InTreeOrder(List<ParentChoiceRow> terms)
    {
        var ids = terms.Select(t => t.Id).ToHashSet();
        var children = terms.ToLookup(t => t.ParentId is { } p && ids.Contains(p) ? p : 0);
        var ordered = new List<ParentChoice>(terms.Count);
        var seen = new HashSet<int>();
        void Add(int parent, int depth)
        {
            foreach (var term in children[parent].OrderBy(t => t.Name, StringComparer.CurrentCultureIgnoreCase))
            {
                // A cycle left by an old race must not loop forever.
                if (seen.Add(term.Id))
                {
                    ordered.Add(new ParentChoice(term.Id, term.Name, depth));
                    Add(term.Id, depth + 1);
                }
            }
        }
        Add(0, 0);
        // Terms caught in a cycle have no path from the top; list them at the end rather than lose them.
        ordered.AddRange(terms.Where(t => !seen.Contains(t.Id)).Select(t => new ParentChoice(t.Id, t.Name, 0)));
        return ordered;
    }
}
