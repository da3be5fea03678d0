using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Masthead.Features.Mail;

/// <summary>
/// Where mail goes: an SMTP server when <c>Mail:SmtpHost</c> is set; otherwise each message is written as an
/// <c>.eml</c> file under <c>App_Data/mail/</c>, so a fresh install works with no mail server. The rest is how the
/// outbox table is worked through.
/// </summary>
public sealed class MailOptions
{
    public string From { get; set; } = "wordpress@localhost";
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;

    /// <summary>TLS: implicit on port 465, STARTTLS (required) on any other port; false for a plain local relay.</summary>
    public bool SmtpSsl { get; set; } = true;
    public string? SmtpUser { get; set; }
    public string? SmtpPassword { get; set; }
    public double SmtpTimeoutSeconds { get; set; } = 30;
    public string? PickupFolder { get; set; }

    /// <summary>False on a node that only queues mail and leaves sending to the others.</summary>
    public bool RunWorker { get; set; } = true;

    /// <summary>How often the outbox is looked at for mail other nodes queued or retries that came due.</summary>
    public double PollSeconds { get; set; } = 5;
    public int BatchSize { get; set; } = 20;

    /// <summary>How long a claimed message is this node's alone; longer than the slowest send, or two nodes could send it.</summary>
    public double LeaseSeconds { get; set; } = 300;
    public int MaxAttempts { get; set; } = 8;
    public double FirstRetryMinutes { get; set; } = 1;
    public double LongestRetryMinutes { get; set; } = 120;
    public double KeepSentDays { get; set; } = 7;

    /// <summary>
    /// How many messages still to be written may wait at once. Anyone can queue those (every lost-password request
    /// does, for a real account or not), so past the bound they are dropped and logged; ready messages (a notice to
    /// an account owner that their account is being guessed at) are never held back by them.
    /// </summary>
    public int MaxToCompose { get; set; } = 200;
}

/// <summary>The outside system mail leaves through: an SMTP server, or a folder another program picks it up from.</summary>
public interface IMailTransport
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>Sends through an SMTP server with MailKit, one connection per message (mail here is rare and small).</summary>
internal sealed class SmtpTransport(MailOptions options) : IMailTransport
{
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        using var smtp = new SmtpClient { Timeout = (int)TimeSpan.FromSeconds(options.SmtpTimeoutSeconds).TotalMilliseconds };
        var security = !options.SmtpSsl ? SecureSocketOptions.None
            : options.SmtpPort == 465 ? SecureSocketOptions.SslOnConnect
            : SecureSocketOptions.StartTls;
        await smtp.ConnectAsync(options.SmtpHost ?? "", options.SmtpPort, security, cancellationToken);
        if (options.SmtpUser is { Length: > 0 } user)
        {
            await smtp.AuthenticateAsync(user, options.SmtpPassword ?? "", cancellationToken);
        }
        await smtp.SendAsync(message, cancellationToken);
        await smtp.DisconnectAsync(quit: true, cancellationToken);
    }
}

/// <summary>Writes each message as an <c>.eml</c> file, the default when no SMTP server is configured.</summary>
internal sealed class PickupFolderTransport(string folder) : IMailTransport
{
    public string Folder { get; } = folder;

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        // Written under a name nothing looks for, then renamed in whole: whatever reads the pickup folder (a mail
        // relay, a test) never sees a half-written file.
        var pickup = Directory.CreateDirectory(Folder).FullName;
        var name = Guid.NewGuid().ToString("N");
        var staging = Path.Combine(pickup, $".{name}.sending");
        try
        {
            await message.WriteToAsync(staging, cancellationToken);
            File.Move(staging, Path.Combine(pickup, $"{name}.eml"));
        }
        finally
        {
            File.Delete(staging);
        }
    }
}

public static class MailFeature
{
    public static void AddMail(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Mail").Get<MailOptions>() ?? new MailOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<IMailTransport>(options.SmtpHost is { Length: > 0 }
            ? new SmtpTransport(options)
            : new PickupFolderTransport(options.PickupFolder ?? Path.Combine(builder.Environment.ContentRootPath, "App_Data", "mail")));
        builder.Services.AddSingleton<MailWakeUp>();
        builder.Services.AddScoped<Outbox>();
        builder.Services.AddHostedService<MailWorker>();
    }
}
