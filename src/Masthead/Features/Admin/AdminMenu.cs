using Masthead.Features.Comments;
using Masthead.Features.Users;

namespace Masthead.Features.Admin;

/// <summary>One entry of the admin's left menu, shown to users with <see cref="Capability"/>.</summary>
public sealed record AdminMenuItem(string Label, string Href, string Capability, IReadOnlyList<AdminMenuItem> Children)
{
    /// <summary>A number shown beside the label (the comments awaiting moderation), and what it counts, for screen readers.</summary>
    public Func<AdminChrome, int>? Counter { get; init; }

    /// <summary>What <see cref="Counter"/> counts, after the number: "comments awaiting moderation".</summary>
    public string CounterLabel { get; init; } = "";

    public AdminMenuItem(string label, string href, string capability) : this(label, href, capability, []) { }

    /// <summary>Whether <paramref name="path"/> is this item's screen or one under it (an edit screen under its list).</summary>
    public bool Holds(string path) =>
        path == Href || Href != "/admin" && path.StartsWith(Href + "/", StringComparison.Ordinal) || Children.Any(c => c.Holds(path));
}

/// <summary>The admin's left menu, in WordPress's order; each screen still checks its own capability.</summary>
public static class AdminMenu
{
    public static IReadOnlyList<AdminMenuItem> Items { get; } =
    [
        new("Dashboard", "/admin", Capabilities.Read),
        new("Posts", "/admin/posts", Capabilities.EditPosts,
        [
            new("All Posts", "/admin/posts", Capabilities.EditPosts),
            new("Add New Post", "/admin/posts/new", Capabilities.EditPosts),
            new("Categories", "/admin/categories", Capabilities.ManageCategories),
            new("Tags", "/admin/tags", Capabilities.ManageCategories),
        ]),
        new("Pages", "/admin/pages", Capabilities.EditPages,
        [
            new("All Pages", "/admin/pages", Capabilities.EditPages),
            new("Add New Page", "/admin/pages/new", Capabilities.EditPages),
        ]),
        // Authors moderate the comments on their own posts; the screen shows them only those.
        new("Comments", "/admin/comments", CommentPermissions.ScreenCapability)
        {
            Counter = chrome => chrome.PendingComments, CounterLabel = "awaiting moderation",
        },
        new("Appearance", "/admin/themes", Capabilities.SwitchThemes, [new("Themes", "/admin/themes", Capabilities.SwitchThemes)]),
        new("Users", "/admin/users", Capabilities.ListUsers,
        [
            new("All Users", "/admin/users", Capabilities.ListUsers),
            // The add form sits below the list on the Users screen, as a section of its own.
            new("Add New User", "/admin/users#add-user", Capabilities.CreateUsers),
            new("Profile", "/admin/profile", Capabilities.Read),
        ]),
        // Users who may not list users still reach their own profile, as in WordPress.
        new("Profile", "/admin/profile", Capabilities.Read),
        new("Tools", "/admin/activity", Capabilities.ManageOptions,
        [
            new("Activity Log", "/admin/activity", Capabilities.ManageOptions),
            new("Export Personal Data", CommentPrivacy.ExportPath, Capabilities.ManageOptions),
            new("Erase Personal Data", CommentPrivacy.ErasePath, Capabilities.ManageOptions),
        ]),
        // One screen, one form: the sections are places on it, so saving one never loses what was typed in another.
        new("Settings", "/admin/settings", Capabilities.ManageOptions,
        [
            new("General", "/admin/settings", Capabilities.ManageOptions),
            new("Reading", "/admin/settings#reading", Capabilities.ManageOptions),
            new("Discussion", "/admin/settings#discussion", Capabilities.ManageOptions),
            new("Permalinks", "/admin/settings#permalinks", Capabilities.ManageOptions),
        ]),
    ];

    /// <summary>The items <paramref name="chrome"/>'s user may use, each with only the children they may use.</summary>
    public static IReadOnlyList<AdminMenuItem> For(AdminChrome chrome) =>
    [
        .. Items
            .Where(i => chrome.Can(i.Capability))
            // The lone Profile entry is for those without the Users menu.
            .Where(i => !(i.Href == "/admin/profile" && chrome.Can(Capabilities.ListUsers)))
            .Select(i => i with { Children = [.. i.Children.Where(c => chrome.Can(c.Capability))] }),
    ];
}
