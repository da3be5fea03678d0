using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Masthead.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AdminPostListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Posts_Type_PublishedAtUtc_Id_Status_AuthorId",
                table: "Posts",
                columns: new[] { "Type", "PublishedAtUtc", "Id", "Status", "AuthorId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Posts_Type_PublishedAtUtc_Id_Status_AuthorId",
                table: "Posts");
        }
    }
}
