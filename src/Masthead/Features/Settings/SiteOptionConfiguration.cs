using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Masthead.Features.Settings;

internal sealed class SiteOptionConfiguration : IEntityTypeConfiguration<SiteOption>
{
    public void Configure(EntityTypeBuilder<SiteOption> option)
    {
        option.HasKey(o => o.Name);
        option.Property(o => o.Name).HasMaxLength(191);
    }
}
