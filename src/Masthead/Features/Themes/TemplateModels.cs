namespace Masthead.Features.Themes;

// The only shapes a template can see. Liquid reads members in snake_case (post.author_url).

/// <summary>Site-wide values every page shows.</summary>
public sealed record SiteTemplateModel(
    string Title, string Tagline, string HomeUrl, string Language, int Year, string ThemeName, string LoginUrl,
    IReadOnlyList<LinkTemplateModel> Menu);

/// <summary>What the layout needs to describe the page itself.</summary>
public sealed record PageMetaTemplateModel(
    string Title, string Description, string CanonicalUrl, string BodyClass, bool NoIndex, bool IsHome = false);

public sealed record LinkTemplateModel(string Text, string Url);

/// <summary>A post or page as a reader sees it.</summary>
public sealed record PostTemplateModel(
    int Id,
    string Type,
    string Title,
    string Url,
    string Date,
    string DateIso,
    string AuthorName,
    string AuthorUrl,
    string Content,
    string Excerpt,
    bool HasMore,
    bool IsSticky,
    int CommentCount,
    bool CommentsOpen,
    IReadOnlyList<LinkTemplateModel> Categories,
    IReadOnlyList<LinkTemplateModel> Tags);

/// <summary>
/// An approved comment with its approved replies (or the commenter's own held one, <c>AwaitingModeration</c>).
/// <c>ReplyUrl</c> is empty where the thread is as deep as the settings allow.
/// </summary>
public sealed record CommentTemplateModel(
    int Id, string AuthorName, string AuthorUrl, string Date, string DateIso, string Content,
    IReadOnlyList<CommentTemplateModel> Replies, int Depth = 1, string ReplyUrl = "", bool AwaitingModeration = false,
    bool ByPostAuthor = false);

/// <summary>
/// A post's discussion as every visitor sees it: whether the form is offered, what it asks for, the comment pages.
/// Nothing in it depends on who is looking, so the page can be cached; the theme's script fills in the rest.
/// </summary>
public sealed record DiscussionTemplateModel(
    int PostId,
    bool Open,
    bool RegisteredOnly,
    bool RequireNameEmail,
    string LoginUrl,
    string FormAction,
    string CookieHash,
    int ReplyTo,
    string ReplyToAuthor,
    string CancelReplyUrl,
    bool Threaded,
    PaginationTemplateModel? Pages,
    int ApprovedCount);

/// <summary>What the comment form holds: empty on a post's page, and what was typed when a comment was refused.</summary>
public sealed record CommentFormTemplateModel(
    string Author, string Email, string Url, string Comment, int Parent, bool Consent, string Error, string Token,
    string PostTitle, string PostUrl);

/// <summary>Numbered page links for a list that spans several pages.</summary>
public sealed record PaginationTemplateModel(
    int Current, int Total, string? PreviousUrl, string? NextUrl, IReadOnlyList<PageLinkTemplateModel> Pages);

/// <summary>One numbered link; <c>Url</c> is null for the gap ("…") between distant pages.</summary>
public sealed record PageLinkTemplateModel(int Number, string? Url, bool IsCurrent);

/// <summary>The heading of an archive: what kind it is, its title and description.</summary>
public sealed record ArchiveTemplateModel(string Kind, string Title, string Description);

public sealed record RecentCommentTemplateModel(string AuthorName, string PostTitle, string Url);

public sealed record CategoryCountTemplateModel(string Name, string Url, int Count);

public sealed record MonthArchiveTemplateModel(string Label, string Url, int Count);

/// <summary>The primary sidebar's widgets.</summary>
public sealed record SidebarTemplateModel(
    IReadOnlyList<LinkTemplateModel> RecentPosts,
    IReadOnlyList<RecentCommentTemplateModel> RecentComments,
    IReadOnlyList<CategoryCountTemplateModel> Categories,
    IReadOnlyList<MonthArchiveTemplateModel> Archives);

/// <summary>Everything one reader page renders from; unused parts stay null or empty.</summary>
public sealed record ReaderPageModel
{
    public required SiteTemplateModel Site { get; init; }
    public required PageMetaTemplateModel Page { get; init; }
    public required SidebarTemplateModel Sidebar { get; init; }
    public IReadOnlyList<PostTemplateModel> Posts { get; init; } = [];
    public PostTemplateModel? Post { get; init; }
    public IReadOnlyList<CommentTemplateModel> Comments { get; init; } = [];
    public DiscussionTemplateModel? Discussion { get; init; }
    public CommentFormTemplateModel? CommentForm { get; init; }
    public LinkTemplateModel? PreviousPost { get; init; }
    public LinkTemplateModel? NextPost { get; init; }
    public PaginationTemplateModel? Pagination { get; init; }
    public ArchiveTemplateModel? Archive { get; init; }
    public string SearchQuery { get; init; } = "";
}
