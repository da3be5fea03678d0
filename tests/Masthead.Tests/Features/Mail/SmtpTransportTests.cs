using System.Net;
using System.Net.Sockets;
using System.Text;
using Masthead.Features.Mail;
using MimeKit;

namespace Masthead.Tests.Features.Mail;

public sealed class SmtpTransportTests
{
    [Fact]
    public async Task SmtpTransport_LoopbackServer_ReceivesTheMessage()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = ReceiveOneAsync(listener, TestContext.Current.CancellationToken);
        var transport = new SmtpTransport(new MailOptions
        {
            SmtpHost = "127.0.0.1",
            SmtpPort = ((IPEndPoint)listener.LocalEndpoint).Port,
            SmtpSsl = false,
            SmtpTimeoutSeconds = 10,
        });
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("site@example.org"));
        message.To.Add(MailboxAddress.Parse("reader@example.org"));
        message.Subject = "Through SMTP";
        message.Body = new TextPart("plain") { Text = "Hello over the loopback." };

        await transport.SendAsync(message, TestContext.Current.CancellationToken);
        var (envelope, data) = await server;

        Assert.Contains("RCPT TO:<reader@example.org>", envelope, StringComparison.Ordinal);
        Assert.Contains("Subject: Through SMTP", data, StringComparison.Ordinal);
        Assert.Contains("Hello over the loopback.", data, StringComparison.Ordinal);
    }

    /// <summary>Just enough of an SMTP server for one message: the commands it was given, and the message text.</summary>
    private static async Task<(string Envelope, string Data)> ReceiveOneAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        using var client = await listener.AcceptTcpClientAsync(cancellationToken);
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        var envelope = new StringBuilder();
        var data = new StringBuilder();
        await writer.WriteLineAsync("220 localhost test sink");
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            envelope.AppendLine(line);
            var verb = line.Split(' ')[0].ToUpperInvariant();
            if (verb == "DATA")
            {
                await writer.WriteLineAsync("354 end with a dot");
                while (await reader.ReadLineAsync(cancellationToken) is { } body && body != ".")
                {
                    data.AppendLine(body);
                }
                await writer.WriteLineAsync("250 queued");
            }
            else if (verb == "QUIT")
            {
                await writer.WriteLineAsync("221 bye");
                break;
            }
            else
            {
                await writer.WriteLineAsync(verb is "EHLO" or "HELO" ? "250 localhost" : "250 ok");
            }
        }
        return (envelope.ToString(), data.ToString());
    }
}
