using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Masthead.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OpenContentModel : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Guid",
                table: "Posts",
                type: "TEXT",
                maxLength: 255,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "MimeType",
                table: "Posts",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "PingStatus",
                table: "Posts",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "closed");

            migrationBuilder.AddColumn<string>(
                name: "Agent",
                table: "Comments",
                type: "TEXT",
                maxLength: 255,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Type",
                table: "Comments",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "comment");

            // Every post already here gets its lasting identity, as a new post does when it is created.
            migrationBuilder.Sql(
                "UPDATE \"Posts\" SET \"Guid\" = 'urn:uuid:' || lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' "
                + "|| substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1) "
                + "|| substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE \"Guid\" = '';");

            migrationBuilder.CreateIndex(
                name: "IX_TermMeta_OldSlug",
                table: "TermMeta",
                column: "Value",
                filter: "\"Key\" = '_masthead_old_slug'");

            migrationBuilder.CreateIndex(
                name: "IX_Posts_Guid",
                table: "Posts",
                column: "Guid");

            migrationBuilder.CreateIndex(
                name: "IX_PostMeta_OldSlug",
                table: "PostMeta",
                column: "Value",
                filter: "\"Key\" = '_wp_old_slug'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_TermMeta_OldSlug",
                table: "TermMeta");

            migrationBuilder.DropIndex(
                name: "IX_Posts_Guid",
                table: "Posts");

            migrationBuilder.DropIndex(
                name: "IX_PostMeta_OldSlug",
                table: "PostMeta");

            migrationBuilder.DropColumn(
                name: "Guid",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "MimeType",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "PingStatus",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "Agent",
                table: "Comments");

            migrationBuilder.DropColumn(
                name: "Type",
                table: "Comments");
        }
    }
}
