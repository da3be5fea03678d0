using Masthead.Features.Comments;
using Masthead.Features.Mail;
using Masthead.Features.Posts;
using Masthead.Features.Settings;
using Masthead.Features.Taxonomies;
using Masthead.Features.Users;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Masthead.Data;

/// <summary>The unit of work for every feature. Each provider subclasses it so each keeps its own migrations.</summary>
public abstract class AppDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Post> Posts => Set<Post>();
    public DbSet<PostTerm> PostTerms => Set<PostTerm>();
    public DbSet<PostMeta> PostMeta => Set<PostMeta>();
    public DbSet<Term> Terms => Set<Term>();
    public DbSet<TermMeta> TermMeta => Set<TermMeta>();
    public DbSet<Comment> Comments => Set<Comment>();
    public DbSet<CommentMeta> CommentMeta => Set<CommentMeta>();
    public DbSet<User> Users => Set<User>();
    public DbSet<UserMeta> UserMeta => Set<UserMeta>();
    public DbSet<SiteOption> Options => Set<SiteOption>();

    /// <summary>Mail waiting to be sent, written in the same save as what caused it.</summary>
    public DbSet<OutgoingMessage> MailOutbox => Set<OutgoingMessage>();

    /// <summary>The data-protection key ring (auth cookies, tokens, encrypted secrets), shared by every node.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>What this unit of work has saved and not yet announced (see <see cref="ChangeCollector"/>).</summary>
    internal PendingChanges PendingChanges { get; } = new();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every instant is stored as UTC; reading it back must say so, or PostgreSQL refuses it and
        // time-zone conversion for display goes wrong.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<PostType>().HaveConversion<PostTypeConverter>().HaveMaxLength(PostType.MaxLength);
        configurationBuilder.Properties<PostStatus>().HaveConversion<WpNameConverter<PostStatus>>().HaveMaxLength(20);
        configurationBuilder.Properties<CommentStatus>().HaveConversion<WpNameConverter<CommentStatus>>().HaveMaxLength(20);
        configurationBuilder.Properties<CommentApproval>().HaveConversion<WpNameConverter<CommentApproval>>().HaveMaxLength(20);
        configurationBuilder.Properties<Taxonomy>().HaveConversion<TaxonomyConverter>().HaveMaxLength(Taxonomy.MaxLength);
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class WpNameConverter<TEnum>() : ValueConverter<TEnum, string>(
        v => WpName.Of(v), v => WpName.Parse<TEnum>(v)) where TEnum : struct, Enum;

    private sealed class PostTypeConverter() : ValueConverter<PostType, string>(v => v.Name, v => new PostType(v));

    private sealed class TaxonomyConverter() : ValueConverter<Taxonomy, string>(v => v.Name, v => new Taxonomy(v));
}

/// <summary>The embedded default database.</summary>
public sealed class SqliteAppDbContext(DbContextOptions<SqliteAppDbContext> options) : AppDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // SQLite keeps a post's text in its row, so searching or sorting the admin's lists by title through the rows
        // reads every body; this index lets them read titles alone. PostgreSQL moves long text out of the row and caps
        // an index entry near 2.7 kB, which a 1,000-character title can pass, so it goes without.
        modelBuilder.Entity<Features.Posts.Post>().HasIndex(p => new { p.Type, p.Title, p.Id, p.Status, p.AuthorId });
    }
}

/// <summary>The scale-out database.</summary>
public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options);
