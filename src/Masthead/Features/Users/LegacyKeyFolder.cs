using Masthead.Data;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Masthead.Features.Users;

/// <summary>
/// The folder where earlier versions kept data-protection keys as <c>key-*.xml</c> files. A database without keys
/// takes them in once, at start-up, so sessions, reset links and authenticator keys made before the upgrade keep working.
/// </summary>
internal sealed partial class LegacyKeyFolder(string path)
{
    public async Task ImportAsync(AppDbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(path) || await db.DataProtectionKeys.AnyAsync(cancellationToken))
        {
            return;
        }
        var files = Directory.GetFiles(path, "key-*.xml");
        foreach (var file in files)
        {
            db.DataProtectionKeys.Add(new DataProtectionKey
            {
                FriendlyName = Path.GetFileNameWithoutExtension(file),
                Xml = await File.ReadAllTextAsync(file, cancellationToken),
            });
        }
        if (files.Length > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            LogImported(logger, files.Length, path);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Copied {Count} data-protection key(s) from {Folder} into the database; the folder is no longer used.")]
    private static partial void LogImported(ILogger logger, int count, string folder);
}
