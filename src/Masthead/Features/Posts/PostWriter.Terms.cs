using System.Security.Claims;
using Masthead.Data;
using Masthead.Features.Taxonomies;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

/// <summary>The trash, permanent deletion, and the terms and meta a save writes beside the post.</summary>
public sealed partial class PostWriter
{
    /// <summary>Post meta keeping the status a trashed post had, so restoring brings it back as it was (WordPress's key).</summary>
    public const string TrashedStatusMeta = "_wp_trash_meta_status";

    /// <summary>
    /// Deletes a trashed post for good, with its revisions, terms, meta and comments, if the user may delete it as it
    /// was before the trash. A post not in the trash is refused: it has to be trashed first.
    /// </summary>
    public async Task<PostWriteResult> DeleteAsync(PostType type, int id, ClaimsPrincipal user, string? address = null, string? activityAction = null)
    {
        return await InTrashTransactionAsync(type, id, user, async (post, trashedFrom) =>
        {
            if (post.Status != PostStatus.Trash || !PostPermissions.CanDelete(user, post.AuthorId, type, JudgedStatus(post, trashedFrom)))
            {
                return PostWriteOutcome.NotAllowed;
            }
            await db.Posts.Where(p => p.ParentId == id && p.Type == PostType.Revision).ExecuteDeleteAsync();
            db.Posts.Remove(post);
            if (activityAction is not "")
            {
                activity.Add(address, activityAction ?? $"deleted a {WpName.Of(type)}", user.Identity?.Name ?? "", PostPermissions.UserId(user), post.Title);
            }
            return PostWriteOutcome.Saved;
        });
    }

    private Task<PostWriteResult> MoveToOrFromTrashAsync(PostType type, int id, bool toTrash, ClaimsPrincipal user, string? address, string? activityAction) =>
        InTrashTransactionAsync(type, id, user, (post, trashedFrom) =>
        {
            if (toTrash == (post.Status == PostStatus.Trash))
            {
                // CASE: already where this action would put it (a second click, another tab): nothing to do.
                return Task.FromResult(PostWriteOutcome.AlreadyDone);
            }
            if (!PostPermissions.CanDelete(user, post.AuthorId, type, JudgedStatus(post, trashedFrom)))
            {
                return Task.FromResult(PostWriteOutcome.NotAllowed);
            }
            if (toTrash)
            {
                // CASE: to the trash, remembering the status to restore.
                var was = WpName.Of(post.Trash());
                if (trashedFrom is null)
                {
                    db.PostMeta.Add(new PostMeta { PostId = id, Key = TrashedStatusMeta, Value = was });
                }
                else
                {
                    trashedFrom.Value = was;
                }
            }
            else
            {
                // CASE: back from the trash as it was (a draft if nothing was remembered).
                post.Restore(WpName.TryParse<PostStatus>(trashedFrom?.Value, out var before) ? before : null);
                if (trashedFrom is not null)
                {
                    db.PostMeta.Remove(trashedFrom);
                }
            }
            if (activityAction is not "")
            {
                var verb = toTrash ? $"moved a {WpName.Of(type)} to the trash" : $"restored a {WpName.Of(type)}";
                activity.Add(address, activityAction ?? verb, user.Identity?.Name ?? "", PostPermissions.UserId(user), post.Title);
            }
            return Task.FromResult(PostWriteOutcome.Saved);
        });

    /// <summary>
    /// Reads, checks and writes one post in one transaction (the caller's, if open). The post's status is also checked by
    /// the UPDATE itself (a concurrency token), so of six "Move to Trash" clicks at once one trashes the post and the
    /// rest find it done or are told it changed.
    /// </summary>
    private async Task<PostWriteResult> InTrashTransactionAsync(PostType type, int id, ClaimsPrincipal user, Func<Post, PostMeta?, Task<PostWriteOutcome>> change)
    {
        Post? post = null;
        try
        {
            await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync() : null;
            post = await db.Posts.SingleOrDefaultAsync(p => p.Id == id && p.Type == type);
            if (post is null)
            {
                return new(PostWriteOutcome.NotFound);
            }
            var before = post.Status;
            var trashedFrom = await db.PostMeta.SingleOrDefaultAsync(m => m.PostId == id && m.Key == TrashedStatusMeta);
            var outcome = await change(post, trashedFrom);
            if (outcome != PostWriteOutcome.Saved)
            {
                return new(outcome, post, before);
            }
            await db.SaveChangesAsync();
            if (transaction is not null)
            {
                await transaction.CommitAsync();
            }
            return new(outcome, post, before);
        }
        catch (DbUpdateException conflict) when (conflict.IsConflict())
        {
            db.ForgetPendingChanges();
            return new(PostWriteOutcome.Conflict, post);
        }
    }

    /// <summary>The status a post is judged by: a trashed post by the one it had before the trash, as WordPress judges it.</summary>
    public static PostStatus JudgedStatus(Post post, PostMeta? trashedFrom) => JudgedStatus(post.Status, trashedFrom?.Value);

    /// <summary>As <see cref="JudgedStatus(Post, PostMeta?)"/>, from the status and the remembered value.</summary>
    public static PostStatus JudgedStatus(PostStatus status, string? trashedFrom) =>
        status == PostStatus.Trash && WpName.TryParse<PostStatus>(trashedFrom, out var before) ? before : status;

    /// <summary>
    /// Sets the post's categories and tags where the change names them (a new post always gets categories): unknown
    /// category ids are dropped, a new category is made if asked, and no categories at all means the default one.
    /// </summary>
    private async Task SetTermsAsync(int postId, bool isNew, PostChange change, List<int>? tagIds, bool canManageCategories)
    {
        var newCategory = change.NewCategory.Length > 0 && canManageCategories;
        if (change.CategoryIds is null && !newCategory && tagIds is null && !isNew)
        {
            return;
        }
        IReadOnlyList<int> chosen = change.CategoryIds ?? [];
        var current = await db.PostTerms.Where(pt => pt.PostId == postId).Select(pt => new { pt.TermId, pt.Term.Taxonomy }).ToListAsync();
        var categoryIds = change.CategoryIds is null && !isNew
            ? current.Where(t => t.Taxonomy == Taxonomy.Category).Select(t => t.TermId).ToList()
            : await db.Terms.Where(t => t.Taxonomy == Taxonomy.Category && chosen.Contains(t.Id)).Select(t => t.Id).ToListAsync();
        if (newCategory)
        {
            categoryIds.Add(await FindOrMakeCategoryAsync(change.NewCategory, change.NewCategoryParent));
        }
        if (categoryIds.Count == 0 && await ManageTerms.DefaultCategoryIdAsync(db) is > 0 and var fallback)
        {
            categoryIds.Add(fallback);
        }
        tagIds ??= [.. current.Where(t => t.Taxonomy != Taxonomy.Category).Select(t => t.TermId)];

        var wanted = categoryIds.Concat(tagIds).ToHashSet();
        var had = current.Select(t => t.TermId).ToHashSet();
        db.PostTerms.RemoveRange(await db.PostTerms.Where(pt => pt.PostId == postId && !wanted.Contains(pt.TermId)).ToListAsync());
        db.PostTerms.AddRange(wanted.Where(termId => !had.Contains(termId)).Select(termId => new PostTerm { PostId = postId, TermId = termId }));
    }

    private async Task<int> FindOrMakeCategoryAsync(string name, int? parentId)
    {
        if ((await db.FindAsync(Taxonomy.Category, [name])).Values.FirstOrDefault() is var existingId and > 0)
        {
            return existingId;
        }
        var parent = parentId is { } p && await db.Terms.AnyAsync(t => t.Id == p && t.Taxonomy == Taxonomy.Category) ? p : (int?)null;
        var created = new Term { Taxonomy = Taxonomy.Category, Name = name, ParentId = parent, Slug = await db.FreeSlugAsync(Taxonomy.Category, Permalinks.Slug.From(name)) };
        db.Terms.Add(created);
        await db.SaveChangesAsync();
        return created.Id;
    }

    /// <summary>The editor's own meta: the Markdown the text was written in, and a draft's wish to go out privately.</summary>
    private async Task SetMetaAsync(Post post, PostChange change, Visibility visibility)
    {
        if (change.Content is not null)
        {
            // Revisions and HTML saves hold HTML, so the post is HTML again from here unless this text is Markdown.
            await db.SetPostMetaAsync(post.Id, EditorInput.MarkdownMeta, change.IsMarkdown ? change.Content : null);
        }
        if (change.Visibility is not null)
        {
            // A draft meant to go out privately remembers it (its status says draft until it is published).
            await db.SetPostMetaAsync(post.Id, EditorInput.PrivateDraftMeta, visibility == Visibility.Private && post.Status != PostStatus.Private ? "1" : null);
        }
    }
}
