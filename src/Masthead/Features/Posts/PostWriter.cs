using System.Security.Claims;
using Masthead.Data;
using Masthead.Features.Activity;
using Masthead.Features.Settings;
using Masthead.Features.Taxonomies;
using Masthead.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Posts;

/// <summary>
/// What a save means, decided once for every door a post comes in by (the editor, Quick Draft, a restored revision,
/// bulk actions; the REST API and the import next): who may do it, the status the action and the role give, the
/// date in the site's time zone, visibility and password, a unique slug, the HTML cleaned unless the writer has
/// <c>unfiltered_html</c>, terms, the revision, the writer's lock and the activity entry. Everything is checked
/// before anything is written, and everything is written in one transaction (the caller's, when it has one open,
/// so a bulk action stays all or nothing). It answers with a result and never renders anything.
/// </summary>
public sealed partial class PostWriter(AppDbContext db, TimeProvider clock, SiteSettingsCache settingsCache, ActivityLog activity)
{
    /// <summary>Carries out <paramref name="change"/> for <paramref name="user"/>; <paramref name="address"/> is where they are, for the activity log.</summary>
    public async Task<PostWriteResult> WriteAsync(PostChange change, ClaimsPrincipal user, string? address = null)
    {
        if (change.Action is PostAction.Trash or PostAction.Restore)
        {
            return change.Id is { } trashedId
                ? await MoveToOrFromTrashAsync(change.Type, trashedId, change.Action == PostAction.Trash, user, address, change.ActivityAction)
                : new(PostWriteOutcome.NotFound);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var me = PostPermissions.UserId(user) ?? 0;
        var type = change.Type;
        Post? post = null;
        if (change.Id is { } id)
        {
            post = await db.Posts.SingleOrDefaultAsync(p => p.Id == id && p.Type == type);
            if (post is null)
            {
                return new(PostWriteOutcome.NotFound);
            }
            if (RefusalFor(user, post) is { } refusal)
            {
                return new(refusal, post, post.Status);
            }
        }
        else if (!PostPermissions.CanEditAny(user, type))
        {
            return new(PostWriteOutcome.NotAllowed);
        }
        var before = post?.Status;
        if (change.TakesLock && post is not null && await PostLocks.HolderAsync(db, post.Id, me, now) is { } holder)
        {
            // Someone took the post over while this writer had it open; saving would silently undo their work.
            return new(PostWriteOutcome.HeldByOther, post, before) { HeldBy = holder };
        }

        var (html, authorId, parentId, problems) = await CheckAsync(change, user, post, me);
        if (problems.Count > 0)
        {
            return new(PostWriteOutcome.Invalid, post, before) { Problems = problems };
        }
        var settings = await settingsCache.GetAsync(db);
        // Tags are found or made before the transaction: that work grows with the list, and must not hold the write
        // lock that every other save and sign-in waits on.
        var tagIds = type == PostType.Post && change.TagNames is { } tags ? await db.EnsureTagsAsync(tags) : null;
        try
        {
            await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync() : null;
            var isNew = post is null;
            // A new post takes Discussion's default unless the change says otherwise, whichever path made it.
            post ??= new Post
            {
                Type = type,
                AuthorId = me,
                PublishedAtUtc = now,
                CommentStatus = settings.Discussion.CommentsOpenByDefault ? CommentStatus.Open : CommentStatus.Closed,
            };
            ApplyText(post, change, html, now);
            ApplyOwnership(post, change, user, authorId, parentId);
            var visibility = change.Visibility ?? VisibilityOf(post);
            await PlaceAsync(post, change, visibility, change.Date?.Local is { } local ? settings.ToUtc(local) : null, PostPermissions.CanPublish(user, type), isNew, now);
            if (isNew)
            {
                db.Posts.Add(post);
            }
            await db.SaveChangesAsync();

            if (type == PostType.Post)
            {
                await SetTermsAsync(post.Id, isNew, change, tagIds, Can(user, Capabilities.ManageCategories));
            }
            await SetMetaAsync(post, change, visibility);
            if (change.ChangesText && change.KeepsRevision)
            {
                await PostRevisions.SaveAsync(db, post, me, now);
            }
            if (change.TakesLock && await PostLocks.TryTakeAsync(db, post.Id, me, now) is { } takenBy)
            {
                // Taken between the check above and now: nothing of this save is committed.
                db.ForgetPendingChanges();
                return new(PostWriteOutcome.TakenWhileSaving, before is null ? null : post, before) { HeldBy = takenBy };
            }
            Record(change, user, address, post, before);
            await db.SaveChangesAsync();
            if (transaction is not null)
            {
                await transaction.CommitAsync();
            }
            return new(PostWriteOutcome.Saved, post, before);
        }
        catch (DbUpdateException conflict) when (conflict.IsConflict())
        {
            // Someone trashed, published or restored it (or saved the same meta, or took the slug) at the same moment.
            db.ForgetPendingChanges();
            // A new post that failed has no row to point to, so the caller gets none.
            return new(PostWriteOutcome.Conflict, before is null ? null : post, before);
        }
    }

    /// <summary>Why <paramref name="user"/> may not edit <paramref name="post"/> as it stands (someone else's, live, private, trashed), or null when they may.</summary>
    public static PostWriteOutcome? RefusalFor(ClaimsPrincipal user, Post post) =>
        !PostPermissions.CanEdit(user, post.AuthorId, post.Type, post.Status) ? PostWriteOutcome.NotAllowed
        : post.Status == PostStatus.Trash ? PostWriteOutcome.InTrash
        : null;

    private static bool Can(ClaimsPrincipal user, string capability) => Roles.Can(user.FindFirstValue(ClaimTypes.Role), capability);

    /// <summary>Everything that can refuse a change, checked before anything is written; also the HTML to store and the author and parent chosen.</summary>
    private async Task<(string? Html, int AuthorId, int? ParentId, List<PostProblem> Problems)> CheckAsync(PostChange change, ClaimsPrincipal user, Post? post, int me)
    {
        var type = change.Type;
        List<PostProblem> problems = [.. change.Problems()];
        string? html = null;
        if (problems.Count == 0 && change.Content is not null)
        {
            (html, var htmlProblem) = EditorInput.StoredHtml(change.Content, change.IsMarkdown, Can(user, Capabilities.UnfilteredHtml));
            if (htmlProblem is not null)
            {
                problems.Add(new(PostFields.Content, htmlProblem));
            }
        }
        if (change.Visibility == Visibility.Private && change.Action == PostAction.Publish && !PostPermissions.CanPublish(user, type))
        {
            problems.Add(new(PostFields.Visibility, $"Only someone who may publish can make a {WpName.Of(type)} private."));
        }
        if (change.NewCategory.Length > 0 && !Can(user, Capabilities.ManageCategories))
        {
            problems.Add(new(PostFields.NewCategory, "You are not allowed to add categories; choose from the list."));
        }
        var authorId = post?.AuthorId ?? me;
        // Without edit_others_posts a chosen author is ignored rather than refused: the editor does not offer the choice.
        if (PostPermissions.CanEditOthers(user, type) && change.AuthorId is { } chosen && chosen != authorId)
        {
            var role = await db.Users.Where(u => u.Id == chosen).Select(u => u.Role).SingleOrDefaultAsync();
            if (Roles.Can(role, type == PostType.Page ? Capabilities.EditPages : Capabilities.EditPosts))
            {
                authorId = chosen;
            }
            else
            {
                problems.Add(new(PostFields.Author, "The chosen author cannot write; choose someone from the list."));
            }
        }
        int? parentId = post?.ParentId;
        if (type == PostType.Page && change.ParentId is { } parent)
        {
            parentId = parent == 0 ? null : await IsValidParentAsync(parent, post?.Id) ? parent : null;
            if (parent != 0 && parentId is null)
            {
                problems.Add(new(PostFields.Parent, "The parent page does not exist, or is this page or one of its children."));
            }
        }
        return (html, authorId, parentId, problems);
    }

    private static void ApplyText(Post post, PostChange change, string? html, DateTime now)
    {
        post.Title = change.Title ?? post.Title;
        post.Content = html ?? post.Content;
        post.Excerpt = change.Excerpt ?? post.Excerpt;
        post.ModifiedAtUtc = now;
    }

    private static void ApplyOwnership(Post post, PostChange change, ClaimsPrincipal user, int authorId, int? parentId)
    {
        post.AuthorId = authorId;
        if (change.Visibility is { } visibility)
        {
            post.Password = visibility == Visibility.Password ? change.Password : "";
        }
        if (change.CommentsOpen is { } open)
        {
            post.CommentStatus = open ? CommentStatus.Open : CommentStatus.Closed;
        }
        // Pinning to the front page is tied to editing others' posts, as in WordPress; a private post is never pinned.
        if (post.Type == PostType.Post && change.Sticky is { } sticky && PostPermissions.CanEditOthers(user, post.Type))
        {
            post.IsSticky = sticky && (change.Visibility ?? VisibilityOf(post)) != Visibility.Private;
        }
        if (post.Type == PostType.Page)
        {
            post.ParentId = parentId;
            post.MenuOrder = change.MenuOrder ?? post.MenuOrder;
        }
    }

    /// <summary>Who can see the post once it is out, as it stands.</summary>
    private static Visibility VisibilityOf(Post post) =>
        post.Status == PostStatus.Private ? Visibility.Private : post.Password.Length > 0 ? Visibility.Password : Visibility.Public;

    /// <summary>
    /// The status the action and the role give, and the date that goes with it. A post going out is dated as chosen,
    /// else keeps its date once live, else goes out now (unless a date ahead was set before and none is given now).
    /// A post kept back (draft, pending) is dated as chosen, else now when the writer said "immediately", else as it was.
    /// </summary>
    private void ApplyStatusAndDate(Post post, PostChange change, Visibility visibility, DateTime? chosenUtc, bool canPublish, bool isNew, DateTime now)
    {
        var kept = !isNew && change.Date is null;
        var outDate = chosenUtc ?? (post.IsLive && !isNew ? post.PublishedAtUtc : kept && post.PublishedAtUtc > now ? post.PublishedAtUtc : now);
        var backDate = chosenUtc ?? (kept ? post.PublishedAtUtc : now);
        switch (change.Action)
        {
            // CASE: a writer without publish_posts asks to publish: it goes to an editor for review instead.
            case PostAction.Publish when !canPublish:
            case PostAction.Pending:
                post.SubmitForReview(backDate, clock);
                break;
            case PostAction.Publish when visibility == Visibility.Private:
                post.MakePrivate(outDate, clock);
                break;
            // CASE: published now, or scheduled when the date is ahead (a date already past publishes).
            case PostAction.Publish:
                post.Schedule(outDate, clock);
                break;
            case PostAction.Draft:
                post.SaveAsDraft(backDate, clock);
                break;
            // CASE: no action (a restored revision, a new date alone): the status stays, a public post follows its date.
            default:
                if (chosenUtc is { } date && post.Status is PostStatus.Publish or PostStatus.Future)
                {
                    post.Schedule(date, clock);
                }
                else if (chosenUtc is { } other)
                {
                    post.PublishedAtUtc = other;
                }
                break;
        }
    }

    /// <summary>
    /// The one place where a post's status, date and slug are set, so the one place where a published post's address
    /// can change (the old address is then kept for redirects by <see cref="Permalinks.OldSlugs"/> as the save is written).
    /// </summary>
    private async Task PlaceAsync(Post post, PostChange change, Visibility visibility, DateTime? chosenUtc, bool canPublish, bool isNew, DateTime now)
    {
        ApplyStatusAndDate(post, change, visibility, chosenUtc, canPublish, isNew, now);
        if (change.Slug is null && !isNew)
        {
            return;
        }
        // What was wished for (or the title), made unique among posts of its type.
        var wanted = Permalinks.Slug.From(change.Slug is { Length: > 0 } wish ? wish : post.Title);
        post.Slug = await db.FreePostSlugAsync(post.Type, wanted, exceptId: post.Id);
    }

    /// <summary>Stages the activity entry, to be saved with the change it records.</summary>
    private void Record(PostChange change, ClaimsPrincipal user, string? address, Post post, PostStatus? before)
    {
        if (change.ActivityAction is "")
        {
            return;
        }
        var wasLive = Post.IsLiveStatus(before);
        var verb = change.Action is null ? "updated" : post.Status switch
        {
            PostStatus.Publish when wasLive => "updated",
            PostStatus.Publish => "published",
            PostStatus.Future => "scheduled",
            PostStatus.Private => "published privately",
            PostStatus.Pending => "submitted for review",
            _ => "saved a draft of",
        };
        activity.Add(address, change.ActivityAction ?? $"{verb} a {WpName.Of(post.Type)}", user.Identity?.Name ?? "", PostPermissions.UserId(user), post.Title);
    }

    /// <summary>Whether <paramref name="parentId"/> is a page that is neither this page nor below it.</summary>
    private async Task<bool> IsValidParentAsync(int parentId, int? pageId)
    {
        var pages = await db.Posts.Where(p => p.Type == PostType.Page).Select(p => new { p.Id, p.ParentId }).ToDictionaryAsync(p => p.Id, p => p.ParentId);
        var seen = new HashSet<int>();
        for (int? at = parentId; at is { } current; at = pages.GetValueOrDefault(current))
        {
            if (!pages.ContainsKey(current) || current == pageId || !seen.Add(current))
            {
                return false;
            }
        }
        return true;
    }
}
