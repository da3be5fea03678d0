using System.Globalization;

namespace Masthead.Features.Settings;

/// <summary>
/// WordPress's Discussion settings, under its option names and with its defaults: how new posts treat comments,
/// who may comment, what holds a comment for moderation, and how threads are shown. The comment form and
/// moderation read them from here.
/// </summary>
public sealed record DiscussionSettings(
    bool CommentsOpenByDefault,
    bool RequireNameAndEmail,
    bool RegisteredUsersOnly,
    int? CloseAfterDays,
    int ThreadDepth,
    int? CommentsPerPage,
    bool HoldEveryComment,
    bool TrustPreviouslyApproved,
    int HoldAtLinks,
    IReadOnlyList<string> ModerationWords,
    IReadOnlyList<string> DisallowedWords,
    bool EmailAuthorOnComment,
    bool EmailModeratorOnHold,
    bool NewestFirst = false,
    bool LastPageFirst = true)
{
    public static class Names
    {
        public const string DefaultCommentStatus = "default_comment_status";
        public const string RequireNameEmail = "require_name_email";
        public const string CommentRegistration = "comment_registration";
        public const string CloseCommentsForOldPosts = "close_comments_for_old_posts";
        public const string CloseCommentsDaysOld = "close_comments_days_old";
        public const string ThreadComments = "thread_comments";
        public const string ThreadCommentsDepth = "thread_comments_depth";
        public const string PageComments = "page_comments";
        public const string CommentsPerPage = "comments_per_page";
        public const string CommentModeration = "comment_moderation";
        public const string CommentPreviouslyApproved = "comment_previously_approved";
        public const string CommentMaxLinks = "comment_max_links";
        public const string ModerationKeys = "moderation_keys";
        public const string DisallowedKeys = "disallowed_keys";
        public const string CommentsNotify = "comments_notify";
        public const string ModerationNotify = "moderation_notify";
        /// <summary>"asc" (older comments at the top of each page) or "desc".</summary>
        public const string CommentOrder = "comment_order";
        /// <summary>"newest" (the last page is shown first) or "oldest".</summary>
        public const string DefaultCommentsPage = "default_comments_page";
    }

    /// <summary>The options that are on/off switches ("1" or "0"), with WordPress's defaults.</summary>
    public static readonly IReadOnlyDictionary<string, bool> Switches = new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        [Names.RequireNameEmail] = true,
        [Names.CommentRegistration] = false,
        [Names.CloseCommentsForOldPosts] = false,
        [Names.ThreadComments] = true,
        [Names.PageComments] = false,
        [Names.CommentModeration] = false,
        [Names.CommentPreviouslyApproved] = true,
        [Names.CommentsNotify] = true,
        [Names.ModerationNotify] = true,
    };

    public static DiscussionSettings FromOptions(IReadOnlyDictionary<string, string> options)
    {
        bool On(string name) => options.TryGetValue(name, out var value) && value.Length > 0 ? value == "1" : Switches[name];
        int Number(string name, int fallback, int min, int max) =>
            options.TryGetValue(name, out var value) && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? Math.Clamp(n, min, max) : fallback;
        IReadOnlyList<string> Words(string name) =>
            [.. options.GetValueOrDefault(name, "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

        return new DiscussionSettings(
            CommentsOpenByDefault: options.GetValueOrDefault(Names.DefaultCommentStatus, "open") != "closed",
            RequireNameAndEmail: On(Names.RequireNameEmail),
            RegisteredUsersOnly: On(Names.CommentRegistration),
            CloseAfterDays: On(Names.CloseCommentsForOldPosts) ? Number(Names.CloseCommentsDaysOld, 14, 1, 3650) : null,
            ThreadDepth: On(Names.ThreadComments) ? Number(Names.ThreadCommentsDepth, 5, 2, 10) : 1,
            CommentsPerPage: On(Names.PageComments) ? Number(Names.CommentsPerPage, 50, 1, 500) : null,
            HoldEveryComment: On(Names.CommentModeration),
            TrustPreviouslyApproved: On(Names.CommentPreviouslyApproved),
            HoldAtLinks: Number(Names.CommentMaxLinks, 2, 0, 100),
            ModerationWords: Words(Names.ModerationKeys),
            DisallowedWords: Words(Names.DisallowedKeys),
            EmailAuthorOnComment: On(Names.CommentsNotify),
            EmailModeratorOnHold: On(Names.ModerationNotify),
            NewestFirst: options.GetValueOrDefault(Names.CommentOrder, "asc") == "desc",
            LastPageFirst: options.GetValueOrDefault(Names.DefaultCommentsPage, "newest") != "oldest");
    }
}
