using System.Globalization;
using System.Text;
using Masthead.Data;
using Masthead.Features.Comments;
using Masthead.Features.Permalinks;
using Masthead.Features.Posts;
using Masthead.Features.Taxonomies;
using Masthead.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Setup;

/// <summary>How much generated content to add (the <c>generate</c> command's options).</summary>
/// <remarks><see cref="ThreadComments"/> puts that many approved, threaded comments on one more post (the comments benchmark).</remarks>
public sealed record DemoContentOptions(
    int Posts = 2000, int Categories = 10, int Tags = 50, int Authors = 5, int Comments = 5000, int ThreadComments = 0);

/// <summary>How far <see cref="DemoContent.GenerateAsync"/> has got with one kind of item.</summary>
public sealed record DemoContentProgress(string Items, int Done, int Total);

/// <summary>
/// Deterministic generated stories, authors, categories, tags and comments, so a benchmark or a demo has a site of
/// realistic size. The same options always produce the same site.
/// </summary>
public static class DemoContent
{
    private static readonly string[] Places = ["Harbor", "Riverside", "Old Town", "Northfield", "Mill Creek", "Lakeshore", "Eastgate", "Hillcrest"];
    private static readonly string[] Subjects = ["council", "school board", "ferry service", "library", "market", "fire brigade", "orchestra", "rowing club", "bakery", "bridge crew"];
    private static readonly string[] Verbs = ["approves", "delays", "celebrates", "questions", "rebuilds", "opens", "reviews", "expands"];
    private static readonly string[] Objects = ["new budget", "summer schedule", "harbor plan", "night market", "bike lanes", "flood defences", "repair fund", "reading program"];
    private static readonly string[] Sentences =
    [
        "Residents filled the hall well before the meeting began.",
        "Officials said the work would take most of the season.",
        "The harbor master expects busier weekends once the weather turns.",
        "Several speakers asked for clearer figures before any vote.",
        "Volunteers have already signed up for the first shifts.",
        "The plan was first proposed two years ago and revised twice since.",
        "Shop owners on the main street welcomed the decision.",
        "A public hearing is set for next month at the community center.",
        "Costs are shared between the town and a regional grant.",
        "Critics argue the timetable leaves too little room for delays.",
    ];

    /// <summary>Adds the content; <paramref name="progress"/> hears after each batch is saved. Returns a one-line summary.</summary>
    public static async Task<string> GenerateAsync(IServiceProvider services, DemoContentOptions options, Action<DemoContentProgress> progress)
    {
        var random = new Random(2026);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var now = clock.GetUtcNow().UtcDateTime;
        var run = now.Ticks.ToString(CultureInfo.InvariantCulture)[^6..];

        var authors = Enumerable.Range(1, options.Authors).Select(i => new User
        {
            Login = $"writer{run}{i}",
            Email = $"writer{run}{i}@example.invalid",
            DisplayName = $"Writer {i}",
            Slug = $"writer-{run}-{i}",
            Role = "author",
            Bio = "Covers the town beat for Masthead's demo newsroom.",
            RegisteredAtUtc = now,
        }).ToList();
        db.Users.AddRange(authors);
        var categories = Enumerable.Range(1, options.Categories).Select(i => new Term
        {
            Taxonomy = Taxonomy.Category,
            Name = i <= Subjects.Length ? $"{Capitalize(Subjects[i - 1])} {run}" : $"Section {i} {run}",
            Slug = $"section-{run}-{i}",
        }).ToList();
        var tags = Enumerable.Range(1, options.Tags).Select(i => new Term
        {
            Taxonomy = Taxonomy.PostTag,
            Name = $"topic {i} {run}",
            Slug = $"topic-{run}-{i}",
        }).ToList();
        db.Terms.AddRange(categories);
        db.Terms.AddRange(tags);
        await db.SaveChangesAsync();
        // Every third category after the first three sits under one of them, so archives show child posts too.
        for (var i = 3; i < categories.Count; i += 3)
        {
            categories[i].ParentId = categories[i % 3].Id;
            db.Entry(categories[i]).State = EntityState.Modified;
        }
        await db.SaveChangesAsync();

        var span = TimeSpan.FromDays(3 * 365);
        // Titles repeat across 2,000 stories; slugs must not, so the usual -2, -3 suffixes apply.
        var taken = (await db.Posts.Select(p => p.Slug).ToListAsync()).ToHashSet(StringComparer.Ordinal);
        var posts = new List<Post>(options.Posts);
        for (var i = 0; i < options.Posts; i++)
        {
            var title = $"{Pick(random, Places)} {Pick(random, Subjects)} {Pick(random, Verbs)} {Pick(random, Objects)}";
            var slug = Slug.Unique(Slug.From(title), Slug.MaxLength, taken.Contains);
            taken.Add(slug);
            var post = new Post
            {
                Type = PostType.Post,
                Status = PostStatus.Publish,
                Title = title,
                Slug = slug,
                Content = Body(random),
                AuthorId = authors[random.Next(authors.Count)].Id,
                PublishedAtUtc = now - span + TimeSpan.FromTicks(span.Ticks / Math.Max(1, options.Posts) * i),
                ModifiedAtUtc = now,
            };
            post.Terms.Add(new PostTerm { Post = post, TermId = categories[random.Next(categories.Count)].Id });
            foreach (var tag in tags.OrderBy(_ => random.Next()).Take(Math.Min(3, tags.Count)))
            {
                post.Terms.Add(new PostTerm { Post = post, TermId = tag.Id });
            }
            posts.Add(post);
        }
        foreach (var batch in posts.Chunk(500))
        {
            db.Posts.AddRange(batch);
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            progress(new DemoContentProgress("posts", posts.IndexOf(batch[^1]) + 1, posts.Count));
        }

        var comments = new List<Comment>(options.Comments);
        for (var i = 0; i < options.Comments && posts.Count > 0; i++)
        {
            var post = posts[random.Next(posts.Count)];
            var roll = random.Next(20);
            comments.Add(new Comment
            {
                PostId = post.Id,
                AuthorName = $"Reader {random.Next(1, 400)}",
                AuthorEmail = "reader@example.invalid",
                Content = $"{Pick(random, Sentences)} {Pick(random, Sentences)}",
                CreatedAtUtc = post.PublishedAtUtc.AddHours(random.Next(1, 72)),
                Approval = roll == 0 ? CommentApproval.Spam : roll == 1 ? CommentApproval.Pending : CommentApproval.Approved,
            });
        }
        var commentsSaved = 0;
        foreach (var batch in comments.Chunk(1000))
        {
            db.Comments.AddRange(batch);
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            commentsSaved += batch.Length;
            progress(new DemoContentProgress("comments", commentsSaved, comments.Count));
        }
        // One in five approved comments answers an earlier one on the same post.
        foreach (var group in comments.Where(c => c.Approval == CommentApproval.Approved).GroupBy(c => c.PostId))
        {
            var thread = group.OrderBy(c => c.CreatedAtUtc).ToList();
            for (var i = 1; i < thread.Count; i++)
            {
                if (random.Next(5) == 0)
                {
                    thread[i].ParentId = thread[random.Next(i)].Id;
                    db.Entry(thread[i]).State = EntityState.Modified;
                }
            }
            var owner = posts.First(p => p.Id == group.Key);
            owner.CommentCount = thread.Count;
            db.Entry(owner).State = EntityState.Modified;
        }
        await db.SaveChangesAsync();
        var summary = $"generated {posts.Count} posts, {comments.Count} comments, {categories.Count} categories, {tags.Count} tags, {authors.Count} authors";
        if (options.ThreadComments > 0)
        {
            var threaded = await AddThreadedPostAsync(db, random, authors[0].Id, categories[0].Id, now - span / 2, options.ThreadComments, progress);
            summary += $"; {options.ThreadComments} threaded comments on post {threaded} (/?p={threaded})";
        }
        return summary;
    }

    /// <summary>Comments per thread in <see cref="AddThreadedPostAsync"/>: a top-level comment and four replies.</summary>
    public const int ThreadSize = 5;

    /// <summary>
    /// Where the comment at <paramref name="position"/> of a thread replies (its position in the same thread), or null
    /// for the top-level one. Threads take three shapes in turn, so a page shows chains, fans and branches:
    /// a chain five deep, four answers to the first comment, and two branches two deep.
    /// bench/comments-read.sh gives WordPress the same shapes.
    /// </summary>
    public static int? ParentInThread(int thread, int position) => position == 0 ? null : (thread % 3) switch
    {
        0 => position - 1,
        1 => 0,
        _ => position is 1 or 3 ? 0 : position - 1,
    };

    /// <summary>
    /// One published post with <paramref name="count"/> approved comments in threads of <see cref="ThreadSize"/>,
    /// a minute apart, oldest first. Returns the post's id.
    /// </summary>
    private static async Task<int> AddThreadedPostAsync(AppDbContext db, Random random, int authorId, int categoryId, DateTime publishedUtc,
        int count, Action<DemoContentProgress> progress)
    {
        var taken = (await db.Posts.Select(p => p.Slug).ToListAsync()).ToHashSet(StringComparer.Ordinal);
        const string Title = "Readers debate the harbor plan";
        var post = new Post
        {
            Type = PostType.Post,
            Status = PostStatus.Publish,
            Title = Title,
            Slug = Slug.Unique(Slug.From(Title), Slug.MaxLength, taken.Contains),
            Content = Body(random),
            AuthorId = authorId,
            PublishedAtUtc = publishedUtc,
            ModifiedAtUtc = publishedUtc,
        };
        post.Terms.Add(new PostTerm { Post = post, TermId = categoryId });
        db.Posts.Add(post);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        var comments = Enumerable.Range(0, count).Select(k => new Comment
        {
            PostId = post.Id,
            AuthorName = $"Reader {k % 400 + 1}",
            AuthorEmail = "reader@example.invalid",
            Content = $"Bench comment {k + 1}. {Pick(random, Sentences)} {Pick(random, Sentences)}",
            CreatedAtUtc = publishedUtc.AddMinutes(k + 1),
            Approval = CommentApproval.Approved,
        }).ToList();
        // Position by position, so every parent has its id before its replies are saved.
        var saved = 0;
        for (var position = 0; position < ThreadSize; position++)
        {
            var batch = comments.Where((_, k) => k % ThreadSize == position).ToList();
            for (var thread = 0; thread < batch.Count; thread++)
            {
                batch[thread].ParentId = ParentInThread(thread, position) is { } parent ? comments[thread * ThreadSize + parent].Id : null;
            }
            await CommentCounts.ChangeAsync(db, [post.Id], async () =>
            {
                db.Comments.AddRange(batch);
                return await db.SaveChangesAsync();
            });
            db.ChangeTracker.Clear();
            saved += batch.Count;
            progress(new DemoContentProgress("threaded comments", saved, count));
        }
        return post.Id;
    }

    private static string Body(Random random)
    {
        var body = new StringBuilder();
        for (var p = 0; p < 5; p++)
        {
            body.Append("<p>");
            for (var s = 0; s < 4; s++)
            {
                body.Append(Pick(random, Sentences)).Append(' ');
            }
            body.Append("</p>\n");
            if (p == 1)
            {
                body.Append(PostCards.MoreTag).Append('\n');
            }
        }
        return body.ToString();
    }

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];

    private static string Capitalize(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
