using System.Data.Common;
using Masthead.Features.Comments;
using Masthead.Features.Posts;
using Masthead.Features.Settings;
using Masthead.Features.Taxonomies;
using Masthead.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Masthead.Data;

/// <summary>
/// Reads the change tracker as a save begins (what each row was) and after it succeeds (the ids the database gave),
/// and announces the <see cref="ChangeSet"/> when the unit of work is committed: at once for a save outside a
/// transaction, at the commit for one inside, never for one rolled back.
/// </summary>
internal sealed class ChangeCollector(IChangeBus bus) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Capture(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Capture(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private static void Capture(DbContext? context)
    {
        if (context is AppDbContext db)
        {
            db.PendingChanges.Saving = [.. db.ChangeTracker.Entries().Select(Describe).OfType<Func<SiteChange?>>()];
        }
    }

    private void Saved(DbContext? context)
    {
        if (context is not AppDbContext db)
        {
            return;
        }
        var pending = db.PendingChanges;
        foreach (var change in pending.Saving.Select(finish => finish()).OfType<SiteChange>())
        {
            // One announcement per post's terms, however many links moved.
            if (change is not PostTermsChanged terms || !pending.Saved.Contains(terms))
            {
                pending.Saved.Add(change);
            }
        }
        pending.Saving = [];
        if (db.Database.CurrentTransaction is null)
        {
            Announce(bus, db);
        }
    }

    private static void Forget(DbContext? context)
    {
        if (context is AppDbContext db)
        {
            db.PendingChanges.Saving = [];
        }
    }

    internal static void Announce(IChangeBus bus, AppDbContext db)
    {
        var saved = db.PendingChanges.Saved;
        if (saved.Count > 0)
        {
            var changes = new ChangeSet([.. saved]);
            saved.Clear();
            bus.Publish(changes);
        }
    }

    /// <summary>
    /// What the entry will have changed once saved, read now because the original values are gone after the save;
    /// the result is asked for after the save, when new rows have their ids. Null when nobody outside cares.
    /// </summary>
    private static Func<SiteChange?>? Describe(EntityEntry entry)
    {
        var state = entry.State;
        if (state is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
        {
            return null;
        }
        switch (entry.Entity)
        {
            // CASE: a post, page or revision; a revision's own row is never seen, its post's change is.
            case Post post:
                var before = state == EntityState.Added ? null : FactsOf(entry.OriginalValues.ToObject() as Post ?? post);
                var deleted = state == EntityState.Deleted;
                return () => post.Type == PostType.Revision ? null : new PostChanged(post.Id, before, deleted ? null : FactsOf(post));

            case PostTerm link:
                var seen = IsOrWasPublished(entry.Context, link.PostId);
                return () => new PostTermsChanged(link.PostId, seen);

            case Term term:
                return () => new TermChanged(term.Id, term.Taxonomy);

            case Comment comment:
                CommentApproval? was = state == EntityState.Added ? null : (CommentApproval)entry.Property(nameof(Comment.Approval)).OriginalValue!;
                var removed = state == EntityState.Deleted;
                return () => new CommentChanged(comment.Id, comment.PostId, was, removed ? null : comment.Approval);

            // CASE: a user; sign-in counters, password and security stamp are nobody else's business.
            case User user when state != EntityState.Modified || ReaderFacingChanged(entry):
                return () => new UserChanged(user.Id);

            case SiteOption option when option.Name == SiteSettings.Names.Theme && state != EntityState.Deleted:
                return () => new ThemeChanged(option.Value);

            case SiteOption option:
                return () => new OptionChanged(option.Name);

            default:
                return null;
        }
    }

    private static PostFacts FactsOf(Post p) =>
        new(p.Type, p.Status, p.Slug, p.Title, p.PublishedAtUtc, p.AuthorId, p.ParentId, p.IsSticky, p.Password.Length > 0);

    private static bool IsOrWasPublished(DbContext db, int postId)
    {
        var post = db.ChangeTracker.Entries<Post>().FirstOrDefault(e => e.Entity.Id == postId);
        // A link whose post this unit of work never loaded could belong to any post: assume readers see it.
        return post is null
            || post.Entity.Status == PostStatus.Publish
            || post.State != EntityState.Added && post.Property(p => p.Status).OriginalValue == PostStatus.Publish;
    }

    private static bool ReaderFacingChanged(EntityEntry entry) =>
        new[] { nameof(User.DisplayName), nameof(User.Slug), nameof(User.Bio), nameof(User.Url) }
            .Any(name => entry.Property(name) is { IsModified: true } p && !Equals(p.OriginalValue, p.CurrentValue));
}

/// <summary>The commit half of <see cref="ChangeCollector"/>: a transaction's changes are announced when it commits.</summary>
internal sealed class ChangeCommitter(IChangeBus bus) : DbTransactionInterceptor
{
    // A transaction disposed without a commit reports no rollback; what it saved must not ride on the next commit.
    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        ForgetSaved(eventData.Context);
        return result;
    }

    public override ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        ForgetSaved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is AppDbContext db)
        {
            ChangeCollector.Announce(bus, db);
        }
    }

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => ForgetSaved(eventData.Context);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ForgetSaved(eventData.Context);
        return Task.CompletedTask;
    }

    private static void ForgetSaved(DbContext? context)
    {
        if (context is AppDbContext db)
        {
            db.PendingChanges.Saved.Clear();
        }
    }
}

/// <summary>Changes of one <see cref="AppDbContext"/> between a save and the commit that makes them true.</summary>
internal sealed class PendingChanges
{
    public List<Func<SiteChange?>> Saving { get; set; } = [];
    public List<SiteChange> Saved { get; } = [];
}
