using System.Security.Cryptography;
using System.Text;

namespace Masthead.Features.Users;

/// <summary>
/// How machine-made secrets (recovery codes, application passwords) are kept: as SHA-256 hashes. Each is long and
/// random, so nothing can be guessed from its hash and a slow password hash would add only cost; a copy of the
/// database gives none of them away.
/// </summary>
internal static class RandomSecrets
{
    // Letters, digits and symbols without look-alikes (no l, 1, I, O, 0), so a password read off the screen is typed right.
    private const string PasswordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#$%&*+-=?@^_~";

    /// <summary>
    /// A strong password for someone else's new account: 20 characters from 71, about 123 bits, far past any guessing
    /// and past <see cref="PasswordRules"/>' length; the common-password list can never hold one.
    /// </summary>
    public static string Password() => RandomNumberGenerator.GetString(PasswordAlphabet, 20);

    public static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Whether a stored hash is the hash of the given secret, compared in constant time.</summary>
    public static bool Matches(string storedHash, string givenSecret) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(storedHash), Encoding.ASCII.GetBytes(Hash(givenSecret)));
}
