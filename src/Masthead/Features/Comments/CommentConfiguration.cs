using Masthead.Features.Posts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Masthead.Features.Comments;

internal sealed class CommentConfiguration : IEntityTypeConfiguration<Comment>
{
    public void Configure(EntityTypeBuilder<Comment> comment)
    {
        comment.Property(c => c.AuthorName).HasMaxLength(245);
        comment.Property(c => c.AuthorEmail).HasMaxLength(100);
        comment.Property(c => c.AuthorUrl).HasMaxLength(200);
        comment.Property(c => c.AuthorIp).HasMaxLength(100);
        comment.Property(c => c.Type).HasMaxLength(CommentTypes.MaxLength);
        comment.Property(c => c.Agent).HasMaxLength(255);
        // A post's thread, and the Recent Comments widget.
        comment.HasIndex(c => new { c.PostId, c.Approval, c.CreatedAtUtc });
        comment.HasIndex(c => new { c.Approval, c.CreatedAtUtc });
        comment.HasOne<Post>().WithMany().HasForeignKey(c => c.PostId).OnDelete(DeleteBehavior.Cascade);
        comment.HasOne<Comment>().WithMany().HasForeignKey(c => c.ParentId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class CommentMetaConfiguration : IEntityTypeConfiguration<CommentMeta>
{
    public void Configure(EntityTypeBuilder<CommentMeta> meta)
    {
        meta.Property(m => m.Key).HasMaxLength(255);
        meta.HasIndex(m => new { m.CommentId, m.Key });
        meta.HasOne<Comment>().WithMany().HasForeignKey(m => m.CommentId).OnDelete(DeleteBehavior.Cascade);
    }
}
