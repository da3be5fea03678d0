using System.Reflection;
using Microsoft.AspNetCore.Identity;

namespace Masthead.Features.Users;

/// <summary>
/// Length over composition (OWASP ASVS 5, V6.2): at least 12 characters, at most 4,096, any characters, and not one
/// of the common passwords attackers try first.
/// </summary>
internal sealed class PasswordRules : IPasswordValidator<User>
{
    public const int MinLength = 12;
    public const int MaxLength = 4096;

    // Openwall's john-data list (public domain by its header), shipped as common-passwords.txt.
    private static readonly Lazy<HashSet<string>> Common = new(Load);

    public static void Configure(PasswordOptions options)
    {
        options.RequiredLength = MinLength;
        options.RequireDigit = false;
        options.RequireLowercase = false;
        options.RequireUppercase = false;
        options.RequireNonAlphanumeric = false;
        options.RequiredUniqueChars = 1;
    }

    public Task<IdentityResult> ValidateAsync(UserManager<User> manager, User user, string? password)
    {
        password ??= "";
        if (password.Length > MaxLength)
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = "PasswordTooLong",
                Description = $"Passwords can be at most {MaxLength} characters long.",
            }));
        }
        if (IsCommon(password) || string.Equals(password, user.Login, StringComparison.OrdinalIgnoreCase)
            || string.Equals(password, user.Email, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = "PasswordTooCommon",
                Description = "That password is one of the most common ones or your own name. Choose another.",
            }));
        }
        return Task.FromResult(IdentityResult.Success);
    }

    public static bool IsCommon(string password) => Common.Value.Contains(password);

    private static HashSet<string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Masthead.Features.Users.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is missing from the build.");
        using var reader = new StreamReader(stream);
        var passwords = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            if (!line.StartsWith("#!comment:", StringComparison.Ordinal) && line.Length > 0)
            {
                passwords.Add(line);
            }
        }
        return passwords;
    }
}
