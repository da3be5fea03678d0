using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Masthead.Features.Users;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public const int SlugLength = 50;

    public void Configure(EntityTypeBuilder<User> user)
    {
        user.Property(u => u.Login).HasMaxLength(60);
        user.Property(u => u.Email).HasMaxLength(100);
        user.Property(u => u.DisplayName).HasMaxLength(250);
        user.Property(u => u.Slug).HasMaxLength(SlugLength);
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
        // Every key Masthead keeps for a user holds one value (two-factor state, the last accepted code step, an
        // application password per id), so the database refuses a second row rather than a race leaving two.
        meta.HasIndex(m => new { m.UserId, m.Key }).IsUnique();
        meta.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
