using Masthead.Features.Permalinks;
using Masthead.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Masthead.Features.Posts;

internal sealed class PostConfiguration : IEntityTypeConfiguration<Post>
{
    public void Configure(EntityTypeBuilder<Post> post)
    {
        post.Property(p => p.Title).HasMaxLength(Post.MaxTitleLength);
        post.Property(p => p.Slug).HasMaxLength(200);
        post.Property(p => p.Password).HasMaxLength(Post.MaxPasswordLength);
        post.Property(p => p.Guid).HasMaxLength(Post.MaxGuidLength);
        post.Property(p => p.MimeType).HasMaxLength(100);
        // An import finds the posts it brought in before by their GUID.
        post.HasIndex(p => p.Guid);
        // Who may do what to a post depends on its status, so every update and delete also checks the status it read:
        // of two requests that trash (or publish, or restore) the same post at once, the second changes nothing and
        // is told so, instead of acting on a status that is no longer true.
        post.Property(p => p.Status).IsConcurrencyToken();
        // Reader lists: latest published posts of a type, newest first. No other index may start (Type, Status): one on
        // (Type, Status, AuthorId) for the admin's counts made SQLite read the reader's search candidates through it,
        // at a third of the speed (bench/README.md); the counts are kept by PostCountsCache instead.
        post.HasIndex(p => new { p.Type, p.Status, p.PublishedAtUtc });
        // The admin's Posts and Pages lists: a page of a type by date (Id breaks ties, as the list sorts), the month
        // filter and the months that have posts, read from the index alone.
        post.HasIndex(p => new { p.Type, p.PublishedAtUtc, p.Id, p.Status, p.AuthorId });
        // Author archives.
        post.HasIndex(p => new { p.AuthorId, p.Type, p.Status, p.PublishedAtUtc });
        // Permalink lookups; with all three columns the planner prefers it over the date index.
        post.HasIndex(p => new { p.Slug, p.Type, p.Status });
        post.HasIndex(p => new { p.ParentId, p.Type });
        post.HasOne<User>().WithMany().HasForeignKey(p => p.AuthorId).OnDelete(DeleteBehavior.Restrict);
        post.HasOne<Post>().WithMany().HasForeignKey(p => p.ParentId).OnDelete(DeleteBehavior.SetNull);
        post.HasMany(p => p.Terms).WithOne(t => t.Post).HasForeignKey(t => t.PostId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PostTermConfiguration : IEntityTypeConfiguration<PostTerm>
{
    public void Configure(EntityTypeBuilder<PostTerm> link)
    {
        link.HasKey(l => new { l.PostId, l.TermId });
        // Archive pages go from a term to its posts.
        link.HasIndex(l => new { l.TermId, l.PostId });
        link.HasOne(l => l.Term).WithMany().HasForeignKey(l => l.TermId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PostMetaConfiguration : IEntityTypeConfiguration<PostMeta>
{
    public void Configure(EntityTypeBuilder<PostMeta> meta)
    {
        meta.Property(m => m.Key).HasMaxLength(255);
        meta.HasIndex(m => new { m.PostId, m.Key });
        meta.HasIndex(m => new { m.PostId, m.Key }, "IX_PostMeta_PostId_Key_SingleValued").IsUnique().HasFilter(PostMeta.SingleValuedFilter);
        // A request that matched nothing looks up the slug among old ones; only those rows are indexed by value.
        meta.HasIndex(m => m.Value, "IX_PostMeta_OldSlug").HasFilter(OldSlugs.PostSlugFilter);
        meta.HasOne<Post>().WithMany().HasForeignKey(m => m.PostId).OnDelete(DeleteBehavior.Cascade);
    }
}
