using Microsoft.AspNetCore.Identity;

namespace Masthead.Features.Users;

/// <summary>
/// The signed-in user's account, for a handler that works on it (Profile, two-factor, application passwords): take
/// it as a parameter instead of looking it up. The admin group's filter answers "back to Log In" when the cookie is
/// still valid but its account is gone (deleted in the minute before the cookie is re-checked), so the handler only
/// ever sees an account.
/// </summary>
public sealed class SignedInUser
{
    private readonly User? _account;

    private SignedInUser(User? account) => _account = account;

    public User Account => _account ?? throw new InvalidOperationException(
        "No account behind this sign-in: the admin group's filter turns that into a redirect, so this handler is mapped outside the admin group.");

    internal bool Exists => _account is not null;

    /// <summary>Minimal APIs bind the parameter through this.</summary>
    public static async ValueTask<SignedInUser> BindAsync(HttpContext http) =>
        new(await http.RequestServices.GetRequiredService<UserManager<User>>().GetUserAsync(http.User));

    /// <summary>For the admin group: endpoints that take a <see cref="SignedInUser"/> send a visitor without one to Log In.</summary>
    internal static EndpointFilterDelegate RequireAccount(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var position = Array.FindIndex(context.MethodInfo.GetParameters(), p => p.ParameterType == typeof(SignedInUser));
        if (position < 0)
        {
            return next;
        }
        return invocation => invocation.GetArgument<SignedInUser>(position).Exists
            ? next(invocation)
            : ValueTask.FromResult<object?>(TypedResults.Redirect("/login"));
    }
}
