using System.Globalization;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Permalinks;
using Masthead.Features.Posts;
using Masthead.Features.Users;
using Masthead.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
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

    public static void MapTerms(this IEndpointRouteBuilder app)
    {
        foreach (var (path, taxonomy) in new[] { ("categories", Taxonomy.Category), ("tags", Taxonomy.PostTag) })
        {
            app.MapGet($"/admin/{path}", (HttpContext http, AppDbContext db, IAntiforgery antiforgery) =>
                ListAsync(http, db, antiforgery, taxonomy, null, [])).RequireAuthorization(Capabilities.ManageCategories);
            app.MapPost($"/admin/{path}", (HttpContext http, AppDbContext db, IAntiforgery antiforgery, ActivityLog activity,
                    [FromForm(Name = "term_id")] int? id, [FromForm(Name = "name")] string? name, [FromForm(Name = "slug")] string? slug,
                    [FromForm(Name = "parent")] int? parent, [FromForm(Name = "description")] string? description) =>
                    SaveAsync(http, db, antiforgery, activity, taxonomy, id, name, slug, parent, description))
                .RequireAuthorization(Capabilities.ManageCategories);
            app.MapPost($"/admin/{path}/{{id:int}}/delete", (HttpContext http, AppDbContext db, ActivityLog activity, int id, IFormCollection form) =>
                DeleteAsync(http, db, activity, taxonomy, id)).RequireAuthorization(Capabilities.ManageCategories);
        }
    }

    private static string PathOf(Taxonomy taxonomy) => taxonomy == Taxonomy.Category ? "categories" : "tags";

    private static async Task<IResult> SaveAsync(HttpContext http, AppDbContext db, IAntiforgery antiforgery, ActivityLog activity,
        Taxonomy taxonomy, int? id, string? name, string? slug, int? parent, string? description)
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
        if (errors.Count > 0)
        {
            return await ListAsync(http, db, antiforgery, taxonomy, null, errors);
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
            return await ListAsync(http, db, antiforgery, taxonomy, null, ["Slug: another term already uses it."]);
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
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (taxonomy == Taxonomy.Category && defaultCategory > 0)
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
        await activity.RecordAsync(http, "deleted a term", http.User.Identity?.Name ?? "", detail: $"{WpName.Of(taxonomy)} {term.Name}");
        return TypedResults.Redirect($"/admin/{PathOf(taxonomy)}?done=deleted");
    }

    private static async Task<ContentHttpResult> ListAsync(HttpContext http, AppDbContext db, IAntiforgery antiforgery, Taxonomy taxonomy,
        string? notice, List<string> errors)
    {
        var isCategory = taxonomy == Taxonomy.Category;
        var terms = await db.Terms.AsNoTracking().Where(t => t.Taxonomy == taxonomy).OrderBy(t => t.Name)
            .Select(t => new { t.Id, t.Name, t.Slug, t.Description, t.ParentId, Count = db.PostTerms.Count(pt => pt.TermId == t.Id && pt.Post.Type == PostType.Post && pt.Post.Status == PostStatus.Publish) })
            .ToListAsync();
        var token = PlainPage.AntiforgeryField(http, antiforgery);
        var path = PathOf(taxonomy);
        var done = http.Request.Query["done"].ToString();
        notice ??= done == "saved" ? "Saved." : done == "deleted" ? "Deleted." : null;
        string ParentOptions(int? selected, int? except) => "<option value=\"0\">None</option>" + string.Concat(terms.Where(t => t.Id != except)
            .Select(t => $"<option value=\"{t.Id}\"{(t.Id == selected ? " selected" : "")}>{PlainPage.Encode(t.Name)}</option>"));
        var rows = string.Concat(terms.Select(t => $"""
            <tr><td><form method="post" action="/admin/{path}">{token}<input type="hidden" name="term_id" value="{t.Id}">
            <label for="name-{t.Id}" class="screen-reader-text">Name</label><input id="name-{t.Id}" name="name" value="{PlainPage.Encode(t.Name)}" required maxlength="200">
            <label for="slug-{t.Id}" class="screen-reader-text">Slug</label><input id="slug-{t.Id}" name="slug" value="{PlainPage.Encode(t.Slug)}" maxlength="200">
            {(isCategory ? $"<label for=\"parent-{t.Id}\" class=\"screen-reader-text\">Parent</label><select id=\"parent-{t.Id}\" name=\"parent\">{ParentOptions(t.ParentId, t.Id)}</select>" : "")}
            <input type="hidden" name="description" value="{PlainPage.Encode(t.Description)}"> <button type="submit">Update</button></form></td>
            <td>{t.Count}</td>
            <td><form method="post" action="/admin/{path}/{t.Id}/delete">{token}<button type="submit">Delete</button></form></td></tr>
            """));
        var label = isCategory ? "Category" : "Tag";
        var body = $"""
            {PlainPage.Messages(notice, errors)}
            <p><a href="/admin">Dashboard</a> · <a href="/admin/categories">Categories</a> · <a href="/admin/tags">Tags</a></p>
            <table><caption>{label} list</caption><thead><tr><th scope="col">{label}</th><th scope="col">Published posts</th><th scope="col">Delete</th></tr></thead>
            <tbody>{(rows.Length == 0 ? $"<tr><td colspan=\"3\">No {label.ToLowerInvariant()} yet.</td></tr>" : rows)}</tbody></table>
            <h2>Add New {label}</h2>
            <form method="post" action="/admin/{path}">{token}
            <p><label for="new-name">Name</label><br><input id="new-name" name="name" required maxlength="200"></p>
            <p><label for="new-slug">Slug (optional)</label><br><input id="new-slug" name="slug" maxlength="200"></p>
            {(isCategory ? $"<p><label for=\"new-parent\">Parent Category</label><br><select id=\"new-parent\" name=\"parent\">{ParentOptions(null, null)}</select></p>" : "")}
            <p><label for="new-description">Description</label><br><textarea id="new-description" name="description" rows="3" cols="40" maxlength="2000"></textarea></p>
            <p><button type="submit">Add New {label}</button></p>
            </form>
            """;
        return PlainPage.Result(isCategory ? "Categories" : "Tags", body);
    }
}
