using System.CommandLine;
using System.Globalization;
using Masthead.Data;
using Masthead.Features.Setup;
using Spectre.Console;

namespace Masthead.Hosting;

/// <summary>What the commands do; the real work needs the built site, the tests give their own.</summary>
public sealed record CommandActions(
    Func<CancellationToken, Task> Serve,
    Func<TextWriter, CancellationToken, Task> Migrate,
    Func<DemoContentOptions, Action<DemoContentProgress>, CancellationToken, Task<string>> Generate);

/// <summary>
/// One executable: serves the site by default; <c>migrate</c> and <c>generate</c> are maintenance commands. The web
/// host reads the same arguments for its configuration, so those are left out of the commands' own parsing.
/// </summary>
public static class CommandLine
{
    public const int Success = 0;
    public const int WorkFailed = 1;
    public const int BadUsage = 2;

    private const string ExitCodes = "Exit codes: 0 done, 1 the work failed, 2 bad usage.";

    /// <summary>
    /// Settings the host takes from the command line for every command: any <c>--Section:Key value</c> and ASP.NET
    /// Core's own switches. They are the host's, not a command's, so its parser never sees them.
    /// </summary>
    private static readonly HashSet<string> HostSwitches = new(StringComparer.OrdinalIgnoreCase)
    {
        "urls", "http_ports", "https_ports", "environment", "contentRoot", "applicationName", "webroot",
        "AllowedHosts", "shutdownTimeoutSeconds", "hostingStartupAssemblies", "hostingStartupExcludeAssemblies",
        "preventHostingStartup", "detailedErrors", "captureStartupErrors", "suppressStatusMessages",
    };

    /// <summary>The commands' own option names, which "--name=value" still reaches.</summary>
    private static readonly HashSet<string> OwnOptions = new(StringComparer.Ordinal) { "posts", "categories", "tags", "authors", "comments", "thread-comments", "help", "version" };

    public static Task<int> RunMastheadAsync(this WebApplication app, string[] args) =>
        InvokeAsync(Build(RealActions(app)), args, Console.Out, Console.Error);

    /// <summary>Parses and runs; usage errors are reported here so they exit with <see cref="BadUsage"/>.</summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args, TextWriter output, TextWriter error,
        CancellationToken cancellationToken = default)
    {
        var parsed = root.Parse(WithoutHostSettings(args));
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync(problem.Message);
            }
            await error.WriteLineAsync($"Run '{root.Name} --help' for the commands and their options.");
            return BadUsage;
        }
        try
        {
            // No signal handling of the parser's own: while serving, the web host answers Ctrl+C and SIGTERM itself.
            var invocation = new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            };
            return await parsed.InvokeAsync(invocation, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await error.WriteLineAsync($"Failed: {e.Message}");
            await error.WriteLineAsync(e.ToString());
            return WorkFailed;
        }
    }

    public static RootCommand Build(CommandActions actions)
    {
        var root = new RootCommand($"""
            Masthead, a news and blog publishing engine. With no command it serves the site.
            Configuration overrides (--Section:Key value) and ASP.NET Core's host switches (--urls, --environment,
            --contentRoot …) go to the host with any command.
            {ExitCodes}
            """);
        // Serving passes every other argument to the web host, as ASP.NET Core expects (--urls, --Key value …); only a
        // first word that names no command is refused.
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction(async (result, cancellationToken) =>
        {
            if (result.UnmatchedTokens.Count > 0 && result.Tokens.Count > 0 && result.Tokens[0].Value == result.UnmatchedTokens[0]
                && !result.UnmatchedTokens[0].StartsWith('-'))
            {
                await result.InvocationConfiguration.Error.WriteLineAsync(
                    $"Unknown command '{result.UnmatchedTokens[0]}'. Commands: serve (the default), migrate, generate; see --help.");
                return BadUsage;
            }
            await actions.Serve(cancellationToken);
            return Success;
        });

        var serve = new Command("serve", "Serve the site (the default).") { TreatUnmatchedTokensAsErrors = false };
        serve.SetAction(async (_, cancellationToken) =>
        {
            await actions.Serve(cancellationToken);
            return Success;
        });

        var migrate = new Command("migrate", $"Bring the database schema up to date and stop; run once per deploy on PostgreSQL.");
        migrate.SetAction(async (result, cancellationToken) =>
        {
            if (await RefusedAsync(result))
            {
                return BadUsage;
            }
            await actions.Migrate(result.InvocationConfiguration.Output, cancellationToken);
            return Success;
        });

        root.Subcommands.Add(serve);
        root.Subcommands.Add(migrate);
        root.Subcommands.Add(GenerateCommand(actions));
        return root;
    }

    private static Command GenerateCommand(CommandActions actions)
    {
        var defaults = new DemoContentOptions();
        var posts = Count("--posts", "Stories to add.", defaults.Posts, least: 0);
        var categories = Count("--categories", "Categories to add (every third after the first three is a child).", defaults.Categories, least: 1);
        var tags = Count("--tags", "Tags to add; each story gets up to three.", defaults.Tags, least: 0);
        var authors = Count("--authors", "Authors to add; each story gets one.", defaults.Authors, least: 1);
        var comments = Count("--comments", "Comments to add, spread over the stories.", defaults.Comments, least: 0);
        var threadComments = Count("--thread-comments",
            "Approved comments, threaded up to five deep, to put on one more story (the comments benchmark); its id is printed.",
            defaults.ThreadComments, least: 0);
        var generate = new Command("generate",
            $"Fill the site with generated stories, authors, categories, tags and comments (demos, benchmarks); the same options always make the same site.")
        {
            posts, categories, tags, authors, comments, threadComments,
        };
        generate.SetAction(async (result, cancellationToken) =>
        {
            if (await RefusedAsync(result))
            {
                return BadUsage;
            }
            var options = new DemoContentOptions(result.GetValue(posts), result.GetValue(categories), result.GetValue(tags),
                result.GetValue(authors), result.GetValue(comments), result.GetValue(threadComments));
            var output = result.InvocationConfiguration.Output;
            var summary = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive
                ? await WithProgressBarsAsync(progress => actions.Generate(options, progress, cancellationToken))
                : await actions.Generate(options, p => output.WriteLine($"{p.Items}: {p.Done}/{p.Total}"), cancellationToken);
            await output.WriteLineAsync(summary);
            return Success;
        });
        return generate;
    }

    /// <summary>
    /// The root lets unknown words through for the web host, and the parser then lets them through for every command;
    /// the maintenance commands take none, so they refuse them here.
    /// </summary>
    private static async Task<bool> RefusedAsync(ParseResult result)
    {
        if (result.UnmatchedTokens.Count == 0)
        {
            return false;
        }
        foreach (var token in result.UnmatchedTokens)
        {
            await result.InvocationConfiguration.Error.WriteLineAsync($"Unrecognized command or argument '{token}'.");
        }
        await result.InvocationConfiguration.Error.WriteLineAsync($"Run '{result.CommandResult.Command.Name} --help' for its options.");
        return true;
    }

    /// <summary>A bar per kind of item with how many are done, for a person watching a terminal.</summary>
    private static async Task<string> WithProgressBarsAsync(Func<Action<DemoContentProgress>, Task<string>> work)
    {
        var summary = "";
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bars = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                summary = await work(p =>
                {
                    if (!bars.TryGetValue(p.Items, out var bar))
                    {
                        bars[p.Items] = bar = context.AddTask(p.Items, maxValue: Math.Max(1, p.Total));
                    }
                    bar.Description = $"{p.Items} {p.Done}/{p.Total}";
                    bar.Value = p.Done;
                });
            });
        return summary;
    }

    /// <summary>A whole number from <paramref name="least"/> to a million; anything else is a usage error naming the option.</summary>
    private static Option<int> Count(string name, string description, int fallback, int least) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        HelpName = "n",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= least && n <= 1_000_000)
            {
                return n;
            }
            result.AddError($"{name} takes a whole number from {least} to 1000000, not '{text}'.");
            return fallback;
        },
    };

    /// <summary>The arguments without the host's settings (see <see cref="HostSwitches"/>), each with its value.</summary>
    internal static string[] WithoutHostSettings(string[] args)
    {
        var kept = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..]
                : args[i].StartsWith('/') && args[i].Length > 1 ? args[i][1..] : null;
            var key = name?.Split('=', 2)[0];
            // "--Key=value" is configuration unless it sets one of our options ("--posts=5"): the test host and
            // deploy scripts pass settings that way, with or without a section.
            var isSetting = key is not null && (key.Contains(':', StringComparison.Ordinal) || HostSwitches.Contains(key)
                || (name!.Contains('=', StringComparison.Ordinal) && !OwnOptions.Contains(key)));
            if (!isSetting)
            {
                kept.Add(args[i]);
                continue;
            }
            // "--Key value" takes the next word too; "--Key=value" is whole.
            if (!name!.Contains('=', StringComparison.Ordinal) && i + 1 < args.Length)
            {
                i++;
            }
        }
        return [.. kept];
    }

    private static CommandActions RealActions(WebApplication app) => new(
        Serve: _ => app.RunAsync(),
        Migrate: async (output, cancellationToken) =>
        {
            await DatabaseSetup.MigrateAsync(app.Services, cancellationToken);
            await output.WriteLineAsync("The database is up to date.");
        },
        Generate: async (options, progress, cancellationToken) =>
        {
            await DatabaseSetup.MigrateAsync(app.Services, cancellationToken);
            // The first run creates the site and its administrator; the web server is not started.
            foreach (var firstRun in app.Services.GetServices<IHostedService>().OfType<FirstRun>())
            {
                await firstRun.StartAsync(cancellationToken);
            }
            return await DemoContent.GenerateAsync(app.Services, options, progress);
        });
}
