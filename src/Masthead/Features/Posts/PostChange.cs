namespace Masthead.Features.Posts;

/// <summary>
/// What a writer asks to happen to a post's status. The status it gets is decided by <see cref="PostWriter"/>: a
/// writer who may not publish who asks to publish submits for review instead; "publish" with Private visibility
/// publishes privately; with a date ahead it schedules; on a post already out it updates.
/// </summary>
public enum PostAction { Draft, Pending, Publish, Trash, Restore }

/// <summary>When a post is dated: "immediately" (<see cref="Local"/> null), or a time on the site's wall clock.</summary>
public sealed record PostDate(DateTime? Local)
{
    public static PostDate Immediately { get; } = new((DateTime?)null);
}

/// <summary>
/// Something wrong with a change, and the field it is about (the editor's name for it, one of <see cref="PostFields"/>),
/// so the editor can show it beside that field as well as in the summary at the top.
/// </summary>
public sealed record PostProblem(string Field, string Message)
{
    public override string ToString() => Message;
}

/// <summary>The fields a <see cref="PostProblem"/> can be about, named as the editor's inputs are.</summary>
public static class PostFields
{
    public const string Title = "title";
    public const string Slug = "post_name";
    public const string Content = "content";
    public const string Excerpt = "excerpt";
    public const string Date = "post_date";
    public const string Visibility = "visibility";
    public const string Password = "post_password";
    public const string Author = "post_author";
    public const string Parent = "parent_id";
    public const string Categories = "categories";
    public const string NewCategory = "newcategory";
    public const string Tags = "tags";
}

/// <summary>
/// One change to one post, from any door (the editor, Quick Draft, a restored revision, a bulk action; later the
/// REST API and the import). A null field keeps what the post has, so a change names only what it changes.
/// </summary>
public sealed record PostChange
{
    /// <summary>The post to change, or null to write a new one.</summary>
    public int? Id { get; init; }
    public PostType Type { get; init; } = PostType.Post;
    /// <summary>What should happen to the status; null keeps it (a change of the text alone, such as a restored revision).</summary>
    public PostAction? Action { get; init; }
    public string? Title { get; init; }
    /// <summary>The text as written: HTML, or Markdown when <see cref="IsMarkdown"/>; it is cleaned by the writer's role.</summary>
    public string? Content { get; init; }
    public bool IsMarkdown { get; init; }
    public string? Excerpt { get; init; }
    /// <summary>The slug wished for; empty makes one from the title. Whatever is wished, the stored one is unique.</summary>
    public string? Slug { get; init; }
    /// <summary>The publish date; null keeps the post's (or, for a post going out, "now" unless it was set ahead).</summary>
    public PostDate? Date { get; init; }
    public Visibility? Visibility { get; init; }
    /// <summary>The password of a <see cref="Posts.Visibility.Password"/> post; ignored for the other visibilities.</summary>
    public string Password { get; init; } = "";
    public int? AuthorId { get; init; }
    /// <summary>A page's parent page, 0 for none.</summary>
    public int? ParentId { get; init; }
    public int? MenuOrder { get; init; }
    /// <summary>The post's categories; empty means the default category.</summary>
    public IReadOnlyList<int>? CategoryIds { get; init; }
    public IReadOnlyList<string>? TagNames { get; init; }
    /// <summary>A category to make (if no category has that name) and file the post under, for writers with <c>manage_categories</c>.</summary>
    public string NewCategory { get; init; } = "";
    public int? NewCategoryParent { get; init; }
    public bool? Sticky { get; init; }
    public bool? CommentsOpen { get; init; }

    /// <summary>
    /// Whether this save comes from a writer who has the post open (the editor, the revisions screen): it is then
    /// refused while someone else holds the post, and the writer holds it afterwards (<see cref="PostLocks"/>).
    /// </summary>
    public bool TakesLock { get; init; }

    /// <summary>
    /// Whether a change of the text is kept as a revision (the default). Quick Draft's first jotting keeps none, as
    /// before there was one writer: its revisions begin when the draft is opened and saved.
    /// </summary>
    public bool KeepsRevision { get; init; } = true;

    /// <summary>What the activity log says was done; null lets the writer say it (published, updated…), empty logs nothing.</summary>
    public string? ActivityAction { get; init; }

    /// <summary>Whether the change touches what is written (title, text, excerpt), which is what revisions keep.</summary>
    public bool ChangesText => Title is not null || Content is not null || Excerpt is not null;

    /// <summary>What is wrong with the change as given, in words for the writer; empty when it can be tried.</summary>
    public IReadOnlyList<PostProblem> Problems()
    {
        List<PostProblem> problems = [];
        void Add(string field, string message) => problems.Add(new(field, message));
        if (Title?.Length > Post.MaxTitleLength)
        {
            Add(PostFields.Title, $"The title is {Title.Length:N0} characters long; the limit is {Post.MaxTitleLength:N0}.");
        }
        if (Content?.Length > Post.MaxContentLength)
        {
            Add(PostFields.Content, $"The text is {Content.Length:N0} characters long; the limit is {Post.MaxContentLength:N0}.");
        }
        if (Excerpt?.Length > Post.MaxContentLength)
        {
            Add(PostFields.Excerpt, $"The excerpt is {Excerpt.Length:N0} characters long; the limit is {Post.MaxContentLength:N0}.");
        }
        if (Slug?.Length > Permalinks.Slug.MaxLength)
        {
            Add(PostFields.Slug, $"The slug is {Slug.Length:N0} characters long; the limit is {Permalinks.Slug.MaxLength}.");
        }
        if (Visibility == Posts.Visibility.Password && Password.Length == 0)
        {
            Add(PostFields.Password, "A password-protected post needs a password.");
        }
        if (Password.Length > Post.MaxPasswordLength)
        {
            Add(PostFields.Password, $"The post password may be up to {Post.MaxPasswordLength} characters.");
        }
        if (TagNames?.Count > Taxonomies.TermNames.MaxTagsPerPost)
        {
            Add(PostFields.Tags, $"A post may have up to {Taxonomies.TermNames.MaxTagsPerPost} tags; this one has {TagNames.Count:N0}.");
        }
        if (CategoryIds?.Count > EditorInput.MaxCategories)
        {
            Add(PostFields.Categories, $"A post may be in up to {EditorInput.MaxCategories} categories.");
        }
        if (TagNames?.Any(t => t.Length > 200) == true)
        {
            Add(PostFields.Tags, "Each tag may be up to 200 characters.");
        }
        if (NewCategory.Length > 200)
        {
            Add(PostFields.NewCategory, "A category name may be up to 200 characters.");
        }
        return problems;
    }
}

/// <summary>How a change ended.</summary>
public enum PostWriteOutcome
{
    /// <summary>Written, with its terms, meta, revision and activity entry.</summary>
    Saved,
    /// <summary>The post is already where the action would put it (a second click, another tab); nothing was written.</summary>
    AlreadyDone,
    NotFound,
    /// <summary>The writer may not do this to this post; nothing was written.</summary>
    NotAllowed,
    /// <summary>The post is in the trash, where it can be restored or deleted but not edited.</summary>
    InTrash,
    /// <summary>The change is refused for the reasons in <see cref="PostWriteResult.Problems"/>; nothing was written.</summary>
    Invalid,
    /// <summary>Someone else has the post open (<see cref="PostWriteResult.HeldBy"/>); nothing was written.</summary>
    HeldByOther,
    /// <summary>Someone else took the post while it was being saved; nothing was committed.</summary>
    TakenWhileSaving,
    /// <summary>Someone else changed the post at the same moment; nothing was committed.</summary>
    Conflict,
}

/// <summary>
/// The answer to a change: the post (as saved, or as found when refused), why not, and the status it had before,
/// so a caller can say "updated" rather than "published".
/// </summary>
public sealed record PostWriteResult(PostWriteOutcome Outcome, Post? Post = null, PostStatus? StatusBefore = null)
{
    public IReadOnlyList<PostProblem> Problems { get; init; } = [];
    public string? HeldBy { get; init; }
    public bool Saved => Outcome == PostWriteOutcome.Saved;
    public bool WasLive => Post.IsLiveStatus(StatusBefore);
}
