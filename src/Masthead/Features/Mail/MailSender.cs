using System.Net;
using System.Net.Mail;

namespace Masthead.Features.Mail;

/// <summary>
/// Where mail goes: an SMTP server when <c>Mail:SmtpHost</c> is set; otherwise each message is written as an
/// <c>.eml</c> file under <c>App_Data/mail/</c>, so a fresh install works with no mail server.
/// </summary>
public sealed class MailOptions
{
    public string From { get; set; } = "wordpress@localhost";
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;
    public bool SmtpSsl { get; set; } = true;
    public string? SmtpUser { get; set; }
    public string? SmtpPassword { get; set; }
    public string? PickupFolder { get; set; }
}

/// <summary>Sends one message now; requests queue theirs on <see cref="Outbox"/> instead.</summary>
public sealed class MailSender(MailOptions options, IHostEnvironment environment)
{
    public string PickupFolder => options.PickupFolder ?? Path.Combine(environment.ContentRootPath, "App_Data", "mail");

    public async Task SendAsync(string to, string subject, string textBody, CancellationToken cancellationToken = default)
    {
        using var message = new MailMessage(options.From, to, subject, textBody);
        if (options.SmtpHost is { Length: > 0 } host)
        {
            using var smtp = new SmtpClient(host, options.SmtpPort)
            {
                EnableSsl = options.SmtpSsl,
                Credentials = options.SmtpUser is null ? null : new NetworkCredential(options.SmtpUser, options.SmtpPassword),
            };
            await smtp.SendMailAsync(message, cancellationToken);
            return;
        }
        // The message is written in a folder of its own, then moved in whole: whatever reads the pickup folder (a
        // mail relay, a test) never sees a half-written file.
        var pickup = Directory.CreateDirectory(PickupFolder).FullName;
        var staging = Directory.CreateDirectory(Path.Combine(pickup, $".sending-{Guid.NewGuid():N}")).FullName;
        try
        {
            using (var client = new SmtpClient { DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory, PickupDirectoryLocation = staging })
            {
                await client.SendMailAsync(message, cancellationToken);
            }
            foreach (var file in Directory.GetFiles(staging))
            {
                File.Move(file, Path.Combine(pickup, Path.GetFileName(file)));
            }
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }
}

public static class MailFeature
{
    public static void AddMail(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(builder.Configuration.GetSection("Mail").Get<MailOptions>() ?? new MailOptions());
        builder.Services.AddSingleton<MailSender>();
        builder.Services.AddSingleton<Outbox>();
        builder.Services.AddHostedService<MailWorker>();
    }
}
