using System.Security.Claims;
using System.Threading.RateLimiting;
using Masthead.Data;
using Masthead.Features.Admin;
using Masthead.Features.Settings;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Masthead.Features.Users;

/// <summary>Where sign-in state lives and how hard it is to guess a password.</summary>
public sealed class AccountsOptions
{
    /// <summary>
    /// Where data-protection keys were kept before they moved into the database (<c>App_Data/keys</c> by default);
    /// keys found there are copied in once, so cookies and secrets made before the move stay readable.
    /// </summary>
    public string? KeysFolder { get; set; }

    /// <summary>Sign-in attempts one client address may make per minute before answers turn to 429.</summary>
    public int LoginAttemptsPerMinute { get; set; } = 10;

    /// <summary>Failed guesses at one account, in a row, before <see cref="LoginThrottle"/> slows it down.</summary>
    public int AccountFailuresBeforeSlowDown { get; set; } = 5;

    /// <summary>The first slow-down; each further failure doubles it.</summary>
    public double SlowDownFirstSeconds { get; set; } = 30;

    /// <summary>The longest slow-down, so the owner is never shut out for longer.</summary>
    public double SlowDownLongestMinutes { get; set; } = 15;

    /// <summary>How often a session's security stamp is checked against the account's.</summary>
    public double SecurityStampCheckSeconds { get; set; } = 60;
}

public static class AccountsFeature
{
    public const string LoginRateLimit = "login";

    public static void AddAccounts(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Accounts").Get<AccountsOptions>() ?? new AccountsOptions();
        var services = builder.Services;

        // Keys live in the database under one application name, so a restart, a restore, a new container or a second
        // node signs nobody out and can still read every token and encrypted secret.
        services.AddDataProtection()
            .SetApplicationName("Masthead")
            .PersistKeysToDbContext<Data.AppDbContext>();
        services.AddSingleton(new LegacyKeyFolder(options.KeysFolder ?? Path.Combine(builder.Environment.ContentRootPath, "App_Data", "keys")));

        services.AddSingleton(options);
        services.AddScoped<LoginThrottle>();
        services.AddSingleton(new Mail.MailComposer(LostPassword.MailKind, LostPassword.ComposeResetMailAsync));
        services.AddScoped<UserStore>();
        services.AddScoped<IUserStore<User>>(s => s.GetRequiredService<UserStore>());
        services.AddScoped<ApplicationPasswords>();
        services.AddIdentityCore<User>(identity =>
            {
                // Usernames are checked by the Users screen's own rule (letters of any script, digits, space . _ - @).
                identity.User.AllowedUserNameCharacters = "";
                PasswordRules.Configure(identity.Password);
            })
            .AddPasswordValidator<PasswordRules>()
            // Only the providers in use: lost-password links and authenticator apps. Identity's e-mail and phone
            // providers would need stores we do not have, and it asks every provider when a sign-in needs a second step.
            .AddTokenProvider<DataProtectorTokenProvider<User>>(TokenOptions.DefaultProvider)
            .AddTokenProvider<OneTimeCodes>(TokenOptions.DefaultAuthenticatorProvider)
            .AddSignInManager()
            .AddClaimsPrincipalFactory<RoleClaimsFactory>();
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/login";
            cookie.ReturnUrlParameter = "redirect_to";
            cookie.LogoutPath = "/logout";
            // Signed in but not allowed: say so, as WordPress does, rather than asking for a sign-in they already gave.
            cookie.AccessDeniedPath = "/admin/denied";
            cookie.Cookie.Name = "masthead_auth";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.CookieManager = new HostPrefixedCookieManager();
            cookie.SlidingExpiration = true;
            cookie.ExpireTimeSpan = TimeSpan.FromDays(2);
        });
        // A lost-password link is good for an hour (and once: the reset changes the stamp it is bound to).
        services.Configure<DataProtectionTokenProviderOptions>(tokens => tokens.TokenLifespan = TimeSpan.FromHours(1));
        // "Log out everywhere", a password change or a role change reaches every session within a minute.
        services.Configure<SecurityStampValidatorOptions>(stamp => stamp.ValidationInterval = TimeSpan.FromSeconds(options.SecurityStampCheckSeconds));
        // One policy per WordPress capability, granted by the role in the sign-in: [Authorize("edit_posts")] and so on.
        services.AddAuthorization(authorization =>
        {
            foreach (var capability in Roles.AllCapabilities)
            {
                authorization.AddPolicy(capability, policy => policy
                    .RequireAuthenticatedUser()
                    .AddRequirements(new CapabilityRequirement(capability)));
            }
        });
        services.AddScoped<IAuthorizationHandler, CapabilityHandler>();
        services.AddAntiforgery(antiforgery => antiforgery.Cookie.SameSite = SameSiteMode.Strict);

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(LoginRateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.LoginAttemptsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                rejected.HttpContext.Response.Headers.RetryAfter = "60";
                await new RazorComponentResult<TooManyAttemptsScreen> { StatusCode = StatusCodes.Status429TooManyRequests }
                    .ExecuteAsync(rejected.HttpContext);
            };
        });
    }

    public static void UseAccounts(this WebApplication app)
    {
        // Nothing behind sign-in is cached anywhere or framed by any page.
        app.Use(static (context, next) =>
        {
            var path = context.Request.Path;
            if (path.StartsWithSegments("/admin") || path.StartsWithSegments("/login") || path.StartsWithSegments("/logout"))
            {
                context.Response.OnStarting(static state =>
                {
                    var headers = ((HttpContext)state).Response.Headers;
                    headers.CacheControl = "no-store";
                    headers.ContentSecurityPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
                    headers.XFrameOptions = "DENY";
                    return Task.CompletedTask;
                }, context);
            }
            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();
    }

    public static void MapAccounts(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login", LogIn.ShowForm);
        app.MapPost("/login", LogIn.SubmitAsync).RequireRateLimiting(LoginRateLimit);
        app.MapPost("/logout", LogIn.LogOutAsync);
        app.MapGet("/login/two-factor", LogIn.ShowCodeFormAsync);
        app.MapPost("/login/two-factor", LogIn.SubmitCodeAsync).RequireRateLimiting(LoginRateLimit);
        app.MapGet("/login/lost", LostPassword.ShowRequestForm);
        app.MapPost("/login/lost", LostPassword.RequestAsync).RequireRateLimiting(LoginRateLimit);
        app.MapGet("/login/reset", LostPassword.ShowResetForm);
        app.MapPost("/login/reset", LostPassword.ResetAsync).RequireRateLimiting(LoginRateLimit);
        // Habits from WordPress: its sign-in and admin addresses lead to ours.
        app.MapMethods("/wp-login.php", ["GET", "HEAD"], () => TypedResults.Redirect("/login", permanent: true));
        app.MapMethods("/wp-admin/{**rest}", ["GET", "HEAD"], () => TypedResults.Redirect("/admin", permanent: true));
    }

    /// <summary>The dashboard, Users and Profile, on the admin group (signed in; each names its capability).</summary>
    public static void MapAccountScreens(this RouteGroupBuilder admin)
    {
        admin.MapGet("", Dashboard.ShowAsync).RequireAuthorization(Capabilities.Read);
        admin.MapPost("/welcome/dismiss", Dashboard.DismissWelcomeAsync).RequireAuthorization(Capabilities.ManageOptions);
        admin.MapGet("/denied", async (HttpContext http, AppDbContext db, SiteSettingsCache settings, IAntiforgery antiforgery) =>
            AdminFeature.Screen<DeniedScreen>(await AdminChrome.ForAsync(http, db, settings, antiforgery), StatusCodes.Status403Forbidden));
        admin.MapGet("/users", ManageUsers.ListAsync).RequireAuthorization(Capabilities.ListUsers);
        admin.MapPost("/users", ManageUsers.AddAsync).RequireAuthorization(Capabilities.CreateUsers);
        admin.MapPost("/users/{id:int}/role", ManageUsers.ChangeRoleAsync).RequireAuthorization(Capabilities.PromoteUsers);
        admin.MapPost("/users/roles", ManageUsers.ChangeRolesAsync).RequireAuthorization(Capabilities.PromoteUsers);
        admin.MapGet("/users/{id:int}/delete", ManageUsers.ConfirmDeleteAsync).RequireAuthorization(Capabilities.DeleteUsers);
        admin.MapPost("/users/{id:int}/delete", ManageUsers.DeleteAsync).RequireAuthorization(Capabilities.DeleteUsers);
        admin.MapPost("/users/{id:int}/two-factor/reset", ManageUsers.ResetTwoFactorAsync).RequireAuthorization(Capabilities.EditUsers);
        admin.MapGet("/profile", Profile.ShowAsync).RequireAuthorization(Capabilities.Read);
        admin.MapPost("/profile", Profile.SaveAsync).RequireAuthorization(Capabilities.Read).RequireRateLimiting(LoginRateLimit);
        admin.MapPost("/profile/password", Profile.ChangePasswordAsync).RequireAuthorization(Capabilities.Read).RequireRateLimiting(LoginRateLimit);
        admin.MapPost("/profile/sessions", Profile.LogOutEverywhereAsync).RequireAuthorization(Capabilities.Read);
        admin.MapPost("/profile/application-passwords", ApplicationPasswords.CreateFromProfileAsync).RequireAuthorization(Capabilities.Read);
        admin.MapPost("/profile/application-passwords/{uuid:guid}/revoke", ApplicationPasswords.RevokeFromProfileAsync).RequireAuthorization(Capabilities.Read);
        admin.MapPost("/profile/application-passwords/revoke-all", ApplicationPasswords.RevokeAllFromProfileAsync).RequireAuthorization(Capabilities.Read);
        admin.MapGet("/profile/two-factor", TwoFactor.ShowAsync).RequireAuthorization(Capabilities.Read);
        admin.MapPost("/profile/two-factor", TwoFactor.EnableAsync).RequireAuthorization(Capabilities.Read).RequireRateLimiting(LoginRateLimit);
        admin.MapPost("/profile/two-factor/recovery-codes", TwoFactor.RenewRecoveryCodesAsync).RequireAuthorization(Capabilities.Read).RequireRateLimiting(LoginRateLimit);
        admin.MapPost("/profile/two-factor/disable", TwoFactor.DisableAsync).RequireAuthorization(Capabilities.Read).RequireRateLimiting(LoginRateLimit);
    }
}

/// <summary>A WordPress capability the signed-in user's role must grant.</summary>
internal sealed record CapabilityRequirement(string Capability) : IAuthorizationRequirement;

/// <summary>
/// Reading pages trusts the role in the sign-in (re-checked every minute with the security stamp). Changing
/// anything does not: a write looks the account up, so a demoted, deleted or "logged out everywhere" session
/// cannot act in the minute before its cookie is re-checked.
/// </summary>
internal sealed class CapabilityHandler(Data.AppDbContext db, IHttpContextAccessor accessor) : AuthorizationHandler<CapabilityRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, CapabilityRequirement requirement)
    {
        var role = context.User.FindFirstValue(ClaimTypes.Role);
        if (accessor.HttpContext?.Request.Method is { } method && !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            var id = Posts.PostPermissions.UserId(context.User);
            var stamp = context.User.FindFirstValue("AspNet.Identity.SecurityStamp");
            var current = await db.Users.Where(u => u.Id == id).Select(u => new { u.Role, u.SecurityStamp }).SingleOrDefaultAsync();
            role = current is not null && current.SecurityStamp == stamp ? current.Role : null;
        }
        if (Roles.Can(role, requirement.Capability))
        {
            context.Succeed(requirement);
        }
    }
}

/// <summary>Puts the user's WordPress role into their sign-in, for the authorization policies.</summary>
internal sealed class RoleClaimsFactory(UserManager<User> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<User>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(User user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(ClaimTypes.Role, user.Role));
        identity.AddClaim(new Claim("display_name", user.DisplayName));
        return identity;
    }
}

/// <summary>
/// Names the auth cookie <c>__Host-…</c> when the request came over HTTPS (browsers then pin it to this host, path
/// "/" and Secure) and plainly otherwise, since browsers refuse <c>__Host-</c> cookies without Secure.
/// </summary>
internal sealed class HostPrefixedCookieManager : ICookieManager
{
    private readonly ChunkingCookieManager _inner = new();

    private static string Name(HttpContext http, string key) => http.Request.IsHttps ? "__Host-" + key : key;

    public string? GetRequestCookie(HttpContext context, string key) => _inner.GetRequestCookie(context, Name(context, key));

    public void AppendResponseCookie(HttpContext context, string key, string? value, CookieOptions options)
    {
        if (context.Request.IsHttps)
        {
            options.Secure = true;
            options.Path = "/";
            options.Domain = null;
        }
        _inner.AppendResponseCookie(context, Name(context, key), value, options);
    }

    public void DeleteCookie(HttpContext context, string key, CookieOptions options) =>
        _inner.DeleteCookie(context, Name(context, key), options);
}
