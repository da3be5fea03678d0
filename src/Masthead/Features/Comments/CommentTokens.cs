using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Masthead.Features.Comments;

/// <summary>The comment form's limits, under <c>Comments:</c> in the configuration.</summary>
public sealed class CommentOptions
{
    public const string Section = "Comments";

    /// <summary>Comments one client address may send a minute before it is answered 429 (a benchmark raises it).</summary>
    public int PostsPerMinute { get; set; } = 10;

    /// <summary>WordPress's flood control: the same author or address may not comment again within this many seconds.</summary>
    public int FloodSeconds { get; set; } = 15;

    /// <summary>Less than this between starting to write and sending is not a person typing: the comment is spam.</summary>
    public int MinSecondsToWrite { get; set; } = 3;

    /// <summary>A form started longer ago than this is sent back, text kept, to be sent again.</summary>
    public int TokenLifetimeMinutes { get; set; } = 12 * 60;
}

/// <summary>What the timing token sent with a comment says.</summary>
public enum TimingVerdict { Missing, TooFast, Fine, Expired, Forged }

/// <summary>
/// The two signed values of the comment form, both sealed by the site's data-protection keys: the timing token the
/// script fetches when a reader starts writing (when they started, and on which post), and the
/// <c>moderation-hash</c> that lets a commenter see their own held comment.
/// </summary>
public sealed class CommentTokens(IDataProtectionProvider protection, TimeProvider clock, IOptions<CommentOptions> options)
{
    public const string TimingField = "comment_token";
    private const string TimingPurpose = "Masthead.Comments.TimingToken.v1";
    private const string ModerationPurpose = "Masthead.Comments.ModerationHash.v1";

    private readonly IDataProtector _timing = protection.CreateProtector(TimingPurpose);
    private readonly IDataProtector _moderation = protection.CreateProtector(ModerationPurpose);

    public string Issue(int postId) => _timing.Protect(string.Create(CultureInfo.InvariantCulture,
        $"{postId}|{clock.GetUtcNow().UtcTicks}"));

    public TimingVerdict Check(string? token, int postId)
    {
        if (string.IsNullOrEmpty(token))
        {
            return TimingVerdict.Missing;
        }
        string payload;
        try
        {
            payload = _timing.Unprotect(token);
        }
        catch (CryptographicException)
        {
            return TimingVerdict.Forged;
        }
        var parts = payload.Split('|');
        if (parts.Length != 2 || parts[0] != postId.ToString(CultureInfo.InvariantCulture)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
        {
            return TimingVerdict.Forged;
        }
        var elapsed = clock.GetUtcNow().UtcTicks - ticks;
        var limits = options.Value;
        return elapsed < TimeSpan.FromSeconds(limits.MinSecondsToWrite).Ticks ? TimingVerdict.TooFast
            : elapsed > TimeSpan.FromMinutes(limits.TokenLifetimeMinutes).Ticks ? TimingVerdict.Expired
            : TimingVerdict.Fine;
    }

    public string ModerationHash(int commentId) =>
        _moderation.Protect(commentId.ToString(CultureInfo.InvariantCulture));

    /// <summary>The held comment's id the hash was made for, or 0 when it was made for another or forged.</summary>
    public int HeldCommentId(string? unapproved, string? hash)
    {
        if (string.IsNullOrEmpty(hash) || hash.Length > 1000
            || !int.TryParse(unapproved, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            return 0;
        }
        try
        {
            return _moderation.Unprotect(hash) == id.ToString(CultureInfo.InvariantCulture) ? id : 0;
        }
        catch (CryptographicException)
        {
            return 0;
        }
    }

    /// <summary>
    /// The suffix of the remembered-details cookies (<c>comment_author_&lt;hash&gt;</c>), from the site address as
    /// WordPress's is; the page names it so the script can find them.
    /// </summary>
    public static string CookieHash(string homeUrl) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(homeUrl)))[..32];
}
