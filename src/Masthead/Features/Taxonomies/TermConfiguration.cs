using Masthead.Features.Permalinks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Masthead.Features.Taxonomies;

internal sealed class TermConfiguration : IEntityTypeConfiguration<Term>
{
    public void Configure(EntityTypeBuilder<Term> term)
    {
        term.Property(t => t.Name).HasMaxLength(200);
        term.Property(t => t.NormalizedName).HasMaxLength(200);
        term.Property(t => t.Slug).HasMaxLength(200);
        // Tags typed in the editor are found by name, many at a time.
        term.HasIndex(t => new { t.Taxonomy, t.NormalizedName });
        term.HasIndex(t => new { t.Taxonomy, t.Slug }).IsUnique();
        term.HasIndex(t => t.ParentId);
        term.HasOne<Term>().WithMany().HasForeignKey(t => t.ParentId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class TermMetaConfiguration : IEntityTypeConfiguration<TermMeta>
{
    public void Configure(EntityTypeBuilder<TermMeta> meta)
    {
        meta.Property(m => m.Key).HasMaxLength(255);
        meta.HasIndex(m => new { m.TermId, m.Key });
        meta.HasIndex(m => m.Value, "IX_TermMeta_OldSlug").HasFilter(OldSlugs.TermSlugFilter);
        meta.HasOne<Term>().WithMany().HasForeignKey(m => m.TermId).OnDelete(DeleteBehavior.Cascade);
    }
}
