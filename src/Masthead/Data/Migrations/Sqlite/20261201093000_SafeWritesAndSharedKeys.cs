using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Masthead.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SafeWritesAndSharedKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_UserMeta_UserId_Key",
                table: "UserMeta");

            migrationBuilder.AddColumn<string>(
                name: "NormalizedName",
                table: "Terms",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FriendlyName = table.Column<string>(type: "TEXT", nullable: true),
                    Xml = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            // Races before this version could leave a second row for a single-valued key; keep the newest so the unique
            // indexes below can be made. Existing terms get their lookup name at the next start (FirstRun), folded by
            // the application as every new name is: SQL's upper() folds only ASCII on SQLite.
            migrationBuilder.Sql("DELETE FROM \"UserMeta\" WHERE \"Id\" NOT IN (SELECT MAX(\"Id\") FROM \"UserMeta\" GROUP BY \"UserId\", \"Key\");");
            migrationBuilder.Sql("DELETE FROM \"PostMeta\" WHERE \"Key\" IN ('_wp_trash_meta_status', '_edit_lock', '_masthead_markdown', '_masthead_private_draft') "
                + "AND \"Id\" NOT IN (SELECT MAX(\"Id\") FROM \"PostMeta\" GROUP BY \"PostId\", \"Key\");");

            migrationBuilder.CreateIndex(
                name: "IX_UserMeta_UserId_Key",
                table: "UserMeta",
                columns: new[] { "UserId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Terms_Taxonomy_NormalizedName",
                table: "Terms",
                columns: new[] { "Taxonomy", "NormalizedName" });

            migrationBuilder.CreateIndex(
                name: "IX_PostMeta_PostId_Key_SingleValued",
                table: "PostMeta",
                columns: new[] { "PostId", "Key" },
                unique: true,
                filter: "\"Key\" IN ('_wp_trash_meta_status', '_edit_lock', '_masthead_markdown', '_masthead_private_draft')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropIndex(
                name: "IX_UserMeta_UserId_Key",
                table: "UserMeta");

            migrationBuilder.DropIndex(
                name: "IX_Terms_Taxonomy_NormalizedName",
                table: "Terms");

            migrationBuilder.DropIndex(
                name: "IX_PostMeta_PostId_Key_SingleValued",
                table: "PostMeta");

            migrationBuilder.DropColumn(
                name: "NormalizedName",
                table: "Terms");

            migrationBuilder.CreateIndex(
                name: "IX_UserMeta_UserId_Key",
                table: "UserMeta",
                columns: new[] { "UserId", "Key" });
        }
    }
}
