using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Masthead.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Users;

/// <summary>
/// Checks authenticator codes (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits, one step of clock drift either way)
/// and accepts each time step once: a code seen over someone's shoulder or in a proxy log cannot be used again,
/// which Identity's own authenticator provider allows for its whole window.
/// </summary>
internal sealed class OneTimeCodes(AppDbContext db, TimeProvider clock) : IUserTwoFactorTokenProvider<User>
{
    internal const string LastStepMeta = "masthead_totp_last_step";
    private const int StepSeconds = 30;

    public Task<string> GenerateAsync(string purpose, UserManager<User> manager, User user) =>
        throw new NotSupportedException("Authenticator codes come from the user's app, not from the server.");

    // Identity asks this before it demands a second step, and skips the step when no provider says yes. For an
    // account with two-factor on the answer is yes even when its key cannot be read (data-protection keys lost):
    // the second step then fails closed, and only a recovery code gets past it.
    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<User> manager, User user) =>
        await manager.GetTwoFactorEnabledAsync(user) || !string.IsNullOrEmpty(await manager.GetAuthenticatorKeyAsync(user));

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<User> manager, User user) =>
        await manager.GetAuthenticatorKeyAsync(user) is { Length: > 0 } encodedKey && await ValidateWithKeyAsync(user, encodedKey, token);

    /// <summary>Checks a code against a key not stored yet (the one offered on the setup page), claiming its step.</summary>
    internal async Task<bool> ValidateWithKeyAsync(User user, string encodedKey, string token)
    {
        if (token.Length != 6 || !int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            || Base32Decode(encodedKey) is not { } key)
        {
            return false;
        }
        var now = clock.GetUtcNow().ToUnixTimeSeconds() / StepSeconds;
        for (var step = now - 1; step <= now + 1; step++)
        {
            if (CryptographicOperations.FixedTimeEquals(BitConverter.GetBytes(Code(key, step)), BitConverter.GetBytes(code)))
            {
                return await ClaimStepAsync(user.Id, step);
            }
        }
        return false;
    }

    /// <summary>
    /// Records the step as used in one statement that inserts the first step or moves a lower one on, the same SQL on
    /// SQLite and PostgreSQL: of two requests with the same code, the unique (user, key) index lets exactly one change a
    /// row, and a step at or below the last accepted one changes none.
    /// </summary>
    private async Task<bool> ClaimStepAsync(int userId, long step) =>
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "UserMeta" ("UserId", "Key", "Value") VALUES ({userId}, {LastStepMeta}, {step.ToString(CultureInfo.InvariantCulture)})
            ON CONFLICT ("UserId", "Key") DO UPDATE SET "Value" = excluded."Value"
            WHERE CAST("UserMeta"."Value" AS BIGINT) < CAST(excluded."Value" AS BIGINT)
            """) == 1;

    private static int Code(byte[] key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // RFC 6238 as authenticator apps implement it; SHA-1 stays sound inside an HMAC.
        HMACSHA1.HashData(key, counter, hash);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0F;
        return (BinaryPrimitives.ReadInt32BigEndian(hash[offset..]) & 0x7FFFFFFF) % 1_000_000;
    }

    /// <summary>RFC 4648 base32 (the alphabet authenticator apps use), ignoring padding and case; null if malformed.</summary>
    private static byte[]? Base32Decode(string text)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var output = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in text.TrimEnd('='))
        {
            var value = Alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            if (value < 0)
            {
                return null;
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                output.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }
        return [.. output];
    }
}
