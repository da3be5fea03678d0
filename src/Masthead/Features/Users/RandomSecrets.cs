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
    public static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Whether a stored hash is the hash of the given secret, compared in constant time.</summary>
    public static bool Matches(string storedHash, string givenSecret) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(storedHash), Encoding.ASCII.GetBytes(Hash(givenSecret)));
}
