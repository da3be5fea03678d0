using Masthead.Data;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

/// <summary>
/// Stories saved before every save dropped <c>meta</c>, <c>base</c> and <c>link</c> (see
/// <see cref="PostHtml.WithoutDocumentElements"/>) may still hold one; they are cleaned once, at the first start of a
/// version that knows, so readers' pages never carry them and no reader request pays for parsing HTML.
/// </summary>
public static class StoredHtmlUpgrade
{
    public const string DoneOption = "masthead_document_elements_removed";

    public static async Task RunOnceAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Options.AnyAsync(o => o.Name == DoneOption, cancellationToken))
        {
            return;
        }
        // lower() folds ASCII everywhere, which is all a tag name needs.
#pragma warning disable CA1304, CA1311, CA1862 // SQL's lower(), translated by EF
        var suspects = await db.Posts
            .Where(p => p.Content.ToLower().Contains("<meta") || p.Content.ToLower().Contains("<base") || p.Content.ToLower().Contains("<link"))
            .ToListAsync(cancellationToken);
#pragma warning restore CA1304, CA1311, CA1862
        foreach (var post in suspects)
        {
            post.Content = PostHtml.WithoutDocumentElements(post.Content);
        }
        await db.SaveChangesAsync(cancellationToken);
        // One statement: two nodes upgrading at once both clean (the same result) and neither fails on the option.
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Options" ("Name", "Value") VALUES ({DoneOption}, '1') ON CONFLICT ("Name") DO NOTHING
            """, cancellationToken);
    }
}
