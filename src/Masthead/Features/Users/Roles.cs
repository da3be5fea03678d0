namespace Masthead.Features.Users;

/// <summary>WordPress's capability names, as its roles grant them and its REST API reports them.</summary>
public static class Capabilities
{
    public const string Read = "read";
    public const string EditPosts = "edit_posts";
    public const string DeletePosts = "delete_posts";
    public const string UploadFiles = "upload_files";
    public const string PublishPosts = "publish_posts";
    public const string EditPublishedPosts = "edit_published_posts";
    public const string DeletePublishedPosts = "delete_published_posts";
    public const string ModerateComments = "moderate_comments";
    public const string ManageCategories = "manage_categories";
    public const string ManageLinks = "manage_links";
    public const string EditOthersPosts = "edit_others_posts";
    public const string EditPages = "edit_pages";
    public const string EditOthersPages = "edit_others_pages";
    public const string EditPublishedPages = "edit_published_pages";
    public const string PublishPages = "publish_pages";
    public const string DeletePages = "delete_pages";
    public const string DeleteOthersPages = "delete_others_pages";
    public const string DeletePublishedPages = "delete_published_pages";
    public const string DeleteOthersPosts = "delete_others_posts";
    public const string DeletePrivatePosts = "delete_private_posts";
    public const string EditPrivatePosts = "edit_private_posts";
    public const string ReadPrivatePosts = "read_private_posts";
    public const string DeletePrivatePages = "delete_private_pages";
    public const string EditPrivatePages = "edit_private_pages";
    public const string ReadPrivatePages = "read_private_pages";
    public const string UnfilteredHtml = "unfiltered_html";
    public const string SwitchThemes = "switch_themes";
    public const string EditThemeOptions = "edit_theme_options";
    public const string ManageOptions = "manage_options";
    public const string Import = "import";
    public const string Export = "export";
    public const string ListUsers = "list_users";
    public const string CreateUsers = "create_users";
    public const string EditUsers = "edit_users";
    public const string DeleteUsers = "delete_users";
    public const string PromoteUsers = "promote_users";
    public const string RemoveUsers = "remove_users";
    public const string UnfilteredUpload = "unfiltered_upload";
    public const string EditDashboard = "edit_dashboard";
}

/// <summary>
/// The five roles of a single WordPress site and what each may do, following WordPress's "Roles and Capabilities"
/// documentation: each role has everything the one below it has, plus its own.
/// </summary>
public static class Roles
{
    public const string Administrator = "administrator";
    public const string Editor = "editor";
    public const string Author = "author";
    public const string Contributor = "contributor";
    public const string Subscriber = "subscriber";

    private static readonly string[] SubscriberCapabilities = [Capabilities.Read];

    private static readonly string[] ContributorCapabilities =
        [.. SubscriberCapabilities, Capabilities.EditPosts, Capabilities.DeletePosts];

    private static readonly string[] AuthorCapabilities =
    [
        .. ContributorCapabilities, Capabilities.UploadFiles, Capabilities.PublishPosts,
        Capabilities.EditPublishedPosts, Capabilities.DeletePublishedPosts,
    ];

    private static readonly string[] EditorCapabilities =
    [
        .. AuthorCapabilities, Capabilities.ModerateComments, Capabilities.ManageCategories, Capabilities.ManageLinks,
        Capabilities.EditOthersPosts, Capabilities.EditPages, Capabilities.EditOthersPages, Capabilities.EditPublishedPages,
        Capabilities.PublishPages, Capabilities.DeletePages, Capabilities.DeleteOthersPages, Capabilities.DeletePublishedPages,
        Capabilities.DeleteOthersPosts, Capabilities.DeletePrivatePosts, Capabilities.EditPrivatePosts, Capabilities.ReadPrivatePosts,
        Capabilities.DeletePrivatePages, Capabilities.EditPrivatePages, Capabilities.ReadPrivatePages, Capabilities.UnfilteredHtml,
    ];

    private static readonly string[] AdministratorCapabilities =
    [
        .. EditorCapabilities, Capabilities.SwitchThemes, Capabilities.EditThemeOptions, Capabilities.ManageOptions,
        Capabilities.Import, Capabilities.Export, Capabilities.ListUsers, Capabilities.CreateUsers, Capabilities.EditUsers,
        Capabilities.DeleteUsers, Capabilities.PromoteUsers, Capabilities.RemoveUsers, Capabilities.UnfilteredUpload,
        Capabilities.EditDashboard,
    ];

    private static readonly Dictionary<string, HashSet<string>> Granted = new(StringComparer.Ordinal)
    {
        [Subscriber] = [.. SubscriberCapabilities],
        [Contributor] = [.. ContributorCapabilities],
        [Author] = [.. AuthorCapabilities],
        [Editor] = [.. EditorCapabilities],
        [Administrator] = [.. AdministratorCapabilities],
    };

    public static IReadOnlyList<string> All { get; } = [Administrator, Editor, Author, Contributor, Subscriber];

    /// <summary>Every capability any role grants: one authorization policy each.</summary>
    public static IReadOnlyCollection<string> AllCapabilities => Granted[Administrator];

    /// <summary>Whether the role grants the capability; an unknown role grants nothing.</summary>
    public static bool Can(string? role, string capability) =>
        role is not null && Granted.TryGetValue(role, out var capabilities) && capabilities.Contains(capability);
}
