using System.Net;
using Masthead.Data;
using Masthead.Features.Comments;
using Masthead.Features.Posts;
using Masthead.Features.Taxonomies;
using Masthead.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Masthead.Tests.Data;

/// <summary>Whatever WordPress holds — custom post types, taxonomies, formats, pingbacks — can be stored and read back.</summary>
public abstract class OpenContentModelTests(SiteFixture fixture)
{
    [Fact]
    public async Task PostsOfAnyType_AndTermsOfAnyTaxonomy_AreStoredAndReadBack()
    {
        var site = await fixture.GetAsync();
        var genre = new Taxonomy("genre");
        var fiction = await site.AddTermAsync(genre, Unique.Name("Fiction"));
        var aside = await site.DbAsync(async db =>
        {
            var term = new Term { Taxonomy = Taxonomy.PostFormat, Name = "Aside", Slug = PostFormats.TermSlugPrefix + "aside" };
            db.Terms.Add(term);
            await db.SaveChangesAsync();
            return term;
        });
        var product = await site.AddPostAsync(Unique.Name("Paperback"), p => p.Type = new PostType("product"), fiction, aside);
        var menuItem = await site.AddPostAsync(Unique.Name("Menu link"), p => p.Type = PostType.NavMenuItem);

        var read = await site.DbAsync(db => db.Posts.AsNoTracking().Include(p => p.Terms).ThenInclude(t => t.Term)
            .Where(p => p.Id == product.Id || p.Id == menuItem.Id).OrderBy(p => p.Id).ToListAsync());

        Assert.Equal(["product", "nav_menu_item"], read.Select(p => p.Type.Name));
        Assert.Equal([genre, Taxonomy.PostFormat], read[0].Terms.Select(t => t.Term!.Taxonomy).OrderBy(t => t.Name));
        Assert.Equal("aside", PostFormats.FromTermSlug(read[0].Terms.Single(t => t.Term!.Taxonomy == Taxonomy.PostFormat).Term!.Slug));
        Assert.False(PostTypeRegistry.RulesOf(read[0].Type).Public);
    }

    [Fact]
    public async Task PostOfATypeTheEngineDoesNotShow_HasNoReaderPage()
    {
        var site = await fixture.GetAsync();
        var product = await site.AddPostAsync(Unique.Name("Hidden product"), p => p.Type = new PostType("product"));

        using var byId = await site.Client().GetAsync($"/?p={product.Id}");
        using var bySlug = await site.Client().GetAsync($"/{product.Slug}/");

        Assert.Equal(HttpStatusCode.NotFound, byId.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, bySlug.StatusCode);
    }

    [Fact]
    public async Task NewPosts_EachGetALastingGuid_AndCommentsKeepTheirTypeAndAgent()
    {
        var site = await fixture.GetAsync();
        var first = await site.AddPostAsync(Unique.Name("One"));
        var second = await site.AddPostAsync(Unique.Name("Two"));
        var pingback = await site.DbAsync(async db =>
        {
            var comment = new Comment
            {
                PostId = first.Id,
                AuthorName = "Another blog",
                Content = "Linked here.",
                Type = CommentTypes.Pingback,
                Agent = "Blog/1.0",
                CreatedAtUtc = first.PublishedAtUtc,
                Approval = CommentApproval.Approved,
            };
            db.Comments.Add(comment);
            await db.SaveChangesAsync();
            return comment;
        });

        var guids = await site.DbAsync(db => db.Posts.Where(p => p.Id == first.Id || p.Id == second.Id).Select(p => p.Guid).ToListAsync());
        var stored = await site.DbAsync(db => db.Comments.AsNoTracking().SingleAsync(c => c.Id == pingback.Id));

        Assert.All(guids, g => Assert.Matches("^urn:uuid:[0-9a-f-]{36}$", g));
        Assert.NotEqual(guids[0], guids[1]);
        Assert.Equal((CommentTypes.Pingback, "Blog/1.0"), (stored.Type, stored.Agent));
    }

    [Fact]
    public async Task Upgrade_DataFromBeforeTheOpenModel_IsKeptAndFilledIn()
    {
        await using var database = await ScratchDatabase.CreateAsync(fixture.Kind);
        await using (var db = database.Context())
        {
            await db.GetService<IMigrator>().MigrateAsync("SafeWritesAndSharedKeys");
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO "Users" ("Login", "Email", "DisplayName", "Slug", "Role", "PasswordHash", "SecurityStamp", "RegisteredAtUtc",
                    "AccessFailedCount", "Bio", "Url")
                VALUES ('old', 'old@example.invalid', 'Old', 'old', 'administrator', '', '', '2020-01-01 00:00:00', 0, '', '');
                INSERT INTO "Posts" ("Type", "Status", "Title", "Slug", "Content", "Excerpt", "AuthorId", "MenuOrder", "PublishedAtUtc",
                    "ModifiedAtUtc", "CommentStatus", "IsSticky", "Password", "CommentCount")
                VALUES ('post', 'publish', 'Before', 'before', '<p>Kept.</p>', '', 1, 0, '2020-01-02 00:00:00', '2020-01-02 00:00:00',
                    'open', FALSE, '', 1);
                INSERT INTO "Comments" ("PostId", "AuthorName", "AuthorEmail", "AuthorUrl", "AuthorIp", "Content", "CreatedAtUtc", "Approval")
                VALUES (1, 'Reader', '', '', '', 'Still here.', '2020-01-03 00:00:00', 'approved');
                """);
            await db.Database.MigrateAsync();
        }

        await using var upgraded = database.Context();
        var post = await upgraded.Posts.SingleAsync();
        var comment = await upgraded.Comments.SingleAsync();
        Assert.Equal(("Before", "<p>Kept.</p>", PostType.Post, CommentStatus.Closed), (post.Title, post.Content, post.Type, post.PingStatus));
        Assert.Matches("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", post.Guid);
        Assert.Equal(("Still here.", CommentTypes.Comment, ""), (comment.Content, comment.Type, comment.Agent));
    }

    [Theory]
    [InlineData("product", true)]
    [InlineData("wp_block", true)]
    [InlineData("Product", false)]
    [InlineData("a type", false)]
    [InlineData("", false)]
    [InlineData("twenty-one-characters", false)]
    public void PostType_TryParse_AcceptsOnlyNamesWordPressCouldRegister(string name, bool accepted) =>
        Assert.Equal(accepted, PostType.TryParse(name, out _));

    /// <summary>An empty database of the test's own, with no site started on it.</summary>
    private sealed class ScratchDatabase : IAsyncDisposable
    {
        private readonly DatabaseKind _kind;
        private readonly string _connectionString;
        private readonly string? _postgresName;

        private ScratchDatabase(DatabaseKind kind, string connectionString, string? postgresName) =>
            (_kind, _connectionString, _postgresName) = (kind, connectionString, postgresName);

        public static async Task<ScratchDatabase> CreateAsync(DatabaseKind kind)
        {
            if (kind == DatabaseKind.Sqlite)
            {
                return new ScratchDatabase(kind, $"Data Source={Path.Combine(Path.GetTempPath(), $"masthead-upgrade-{Guid.NewGuid():N}.db")};Pooling=False", null);
            }
            Needs.Present(!string.IsNullOrEmpty(TestSite.PostgresServer), "PostgreSQL tests need a server (.ci/run sets one).");
            var name = $"masthead_upgrade_{Guid.NewGuid():N}";
            await using var admin = new NpgsqlConnection(TestSite.PostgresServer);
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
            return new ScratchDatabase(kind, new NpgsqlConnectionStringBuilder(TestSite.PostgresServer) { Database = name }.ConnectionString, name);
        }

        public AppDbContext Context() => _kind == DatabaseKind.Sqlite
            ? new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(_connectionString).Options)
            : new PostgresAppDbContext(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(_connectionString).Options);

        public async ValueTask DisposeAsync()
        {
            if (_postgresName is null)
            {
                File.Delete(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(_connectionString).DataSource);
                return;
            }
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(TestSite.PostgresServer);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}

public sealed class SqliteOpenContentModelTests(SqliteSiteFixture fixture) : OpenContentModelTests(fixture), IClassFixture<SqliteSiteFixture>;

public sealed class PostgresOpenContentModelTests(PostgresSiteFixture fixture) : OpenContentModelTests(fixture), IClassFixture<PostgresSiteFixture>;
