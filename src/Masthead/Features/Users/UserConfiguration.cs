using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Masthead.Features.Users;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> user)
    {
        user.Property(u => u.Login).HasMaxLength(60);
        user.Property(u => u.Email).HasMaxLength(100);
        user.Property(u => u.DisplayName).HasMaxLength(250);
        user.Property(u => u.Slug).HasMaxLength(50);
        user.Property(u => u.Role).HasMaxLength(40);
        user.Property(u => u.SecurityStamp).HasMaxLength(64);
        user.HasIndex(u => u.Login).IsUnique();
        user.HasIndex(u => u.Email).IsUnique();
        user.HasIndex(u => u.Slug).IsUnique();
    }
}

internal sealed class UserMetaConfiguration : IEntityTypeConfiguration<UserMeta>
{
    public void Configure(EntityTypeBuilder<UserMeta> meta)
    {
        meta.Property(m => m.Key).HasMaxLength(255);
        meta.HasIndex(m => new { m.UserId, m.Key });
        meta.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
