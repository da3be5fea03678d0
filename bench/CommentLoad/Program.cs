using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace CommentLoad;

/// <summary>
/// Concurrent commenters posting WordPress's comment form (<c>POST /wp-comments-post.php</c>) to a Masthead on the
/// loopback address for a fixed time, as a browser without script would. Every comment carries a marker of its own
/// in its text, and every answer is written down with that marker, so bench/comments-write.sh can look each comment
/// that was answered with success up in the database afterwards.
/// </summary>
internal static class Program
{
    private static readonly string[] Sentences =
    [
        "The ferry timetable deserves a second look before summer.",
        "I was at the meeting and the figures were never shown.",
        "Good to see the library staying open on weekends.",
        "Parking on the harbor road is already hard enough.",
        "Thanks for covering this so carefully.",
    ];

    /// <summary>
    /// <c>CommentLoad BASE POST_ID POST_PATH CONCURRENCY SECONDS RESULTS_FILE [per-comment|per-commenter]</c>;
    /// SECONDS 0 posts one comment and stops (the script's check that the endpoint exists).
    /// </summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length < 6)
        {
            await Console.Error.WriteLineAsync("usage: CommentLoad BASE POST_ID POST_PATH CONCURRENCY SECONDS RESULTS_FILE [per-comment|per-commenter]");
            return 2;
        }
        var target = new Uri(args[0]);
        if (!IPAddress.TryParse(target.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            await Console.Error.WriteLineAsync($"refusing {target}: loopback addresses only");
            return 2;
        }
        var (postId, postPath) = (args[1], args[2]);
        var concurrency = int.Parse(args[3], CultureInfo.InvariantCulture);
        var seconds = int.Parse(args[4], CultureInfo.InvariantCulture);
        var perCommenter = args.Length > 6 && args[6] == "per-commenter";
        var run = Stopwatch.GetTimestamp().ToString("x", CultureInfo.InvariantCulture)[^8..];

        using var http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        { BaseAddress = target, Timeout = TimeSpan.FromSeconds(30) };

        var results = new ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(Math.Max(seconds, 0));

        async Task CommenterAsync(int commenter)
        {
            for (var n = 0; n == 0 || clock.Elapsed < until; n++)
            {
                var marker = $"cl-{run}-{commenter}-{n}";
                // Each comment, or each commenter, is its own client: its own address (through the trusted loopback
                // proxy the script configures), name and e-mail, so a test of storage is not a test of flood control.
                var who = perCommenter ? $"{commenter}" : $"{commenter}-{n}";
                var ip = perCommenter ? $"10.77.{commenter / 256}.{commenter % 256}" : $"10.{commenter % 256}.{n / 256 % 256}.{n % 256}";
                using var form = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["comment"] = $"Bench comment {marker}. {Sentences[(commenter + n) % Sentences.Length]}",
                    ["author"] = $"Commenter {who}",
                    ["email"] = $"commenter-{who}-{run}@example.invalid",
                    ["url"] = "",
                    ["comment_post_ID"] = postId,
                    ["comment_parent"] = "0",
                });
                using var request = new HttpRequestMessage(HttpMethod.Post, "/wp-comments-post.php") { Content = form };
                request.Headers.Add("X-Forwarded-For", ip);
                var started = clock.Elapsed;
                string outcome;
                try
                {
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                    await response.Content.ReadAsByteArrayAsync();
                    var status = (int)response.StatusCode;
                    var location = response.Headers.Location?.ToString() ?? "";
                    outcome = $"{Kind(status, location, target, postPath)}\t{status}\t{location}";
                }
                catch (TaskCanceledException)
                {
                    outcome = "error\ttimeout\t";
                }
                catch (HttpRequestException e)
                {
                    outcome = $"error\t{e.HttpRequestError}\t";
                }
                var ms = (clock.Elapsed - started).TotalMilliseconds;
                results.Enqueue($"{marker}\t{outcome}\t{ms.ToString("F1", CultureInfo.InvariantCulture)}");
                if (seconds == 0)
                {
                    return;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, seconds == 0 ? 1 : concurrency).Select(c => Task.Run(() => CommenterAsync(c))));
        var elapsed = clock.Elapsed.TotalSeconds;
        await File.WriteAllLinesAsync(args[5], ["marker\tkind\tstatus\tlocation\tms", .. results]);
        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"elapsed\t{elapsed:F2}"));
        return 0;
    }

    /// <summary>
    /// success: a redirect back to the post (WordPress's answer to a stored comment) or a 200; rejected: any other
    /// answer, a redirect elsewhere (the log-in page, say) included.
    /// </summary>
    private static string Kind(int status, string location, Uri target, string postPath)
    {
        if (status == 200)
        {
            return "success";
        }
        if (status is 302 or 303 && location.Length > 0)
        {
            var path = new Uri(target, location).AbsolutePath;
            return path == postPath || path.StartsWith(postPath.TrimEnd('/') + "/comment-page-", StringComparison.Ordinal) ? "success" : "rejected";
        }
        return "rejected";
    }
}
