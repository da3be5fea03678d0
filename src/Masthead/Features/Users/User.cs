namespace Masthead.Features.Users;

/// <summary>Someone who can log in and write; <see cref="Slug"/> (WordPress's nicename) names their archive.</summary>
public sealed class User
{
    public int Id { get; set; }
    public string Login { get; set; } = "";
    public string Email { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string Slug { get; set; } = "";
    public string Bio { get; set; } = "";
    public string Url { get; set; } = "";
    public string PasswordHash { get; set; } = "";
    /// <summary>WordPress role name; roles are enforced by the accounts feature.</summary>
    public string Role { get; set; } = "subscriber";
    public DateTime RegisteredAtUtc { get; set; }

    /// <summary>Changes whenever credentials or roles change, so other sessions are signed out within a minute.</summary>
    public string SecurityStamp { get; set; } = Guid.NewGuid().ToString("N");
    /// <summary>Failed sign-in guesses since the last sign-in (see <see cref="LoginThrottle"/>).</summary>
    public int AccessFailedCount { get; set; }
    /// <summary>Until when guesses from new addresses are refused unchecked; named for the lockout it replaced.</summary>
    public DateTime? LockoutEndUtc { get; set; }
}

/// <summary>Free-form key/value data attached to a user.</summary>
public sealed class UserMeta
{
    public int Id { get; set; }
    public int UserId { get; set; }
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}
