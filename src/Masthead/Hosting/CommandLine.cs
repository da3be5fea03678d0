using Masthead.Data;
using Masthead.Features.Setup;

namespace Masthead.Hosting;

/// <summary>One executable: serves the site by default; <c>migrate</c> and <c>generate</c> are maintenance commands.</summary>
public static class CommandLine
{
    public static async Task<int> RunMastheadAsync(this WebApplication app, string[] args)
    {
        switch (args.FirstOrDefault())
        {
            // CASE: bring the schema up to date and stop; run once per deploy on PostgreSQL.
            case "migrate":
                await DatabaseSetup.MigrateAsync(app.Services);
                Console.WriteLine("The database is up to date.");
                return 0;

            // CASE: fill the site with generated stories (benchmarks, demos).
            case "generate":
                var options = DemoContentOptions.Parse(args.Skip(1).ToArray());
                if (options is null)
                {
                    Console.Error.WriteLine(DemoContentOptions.Usage);
                    return 2;
                }
                await DatabaseSetup.MigrateAsync(app.Services);
                // The first run creates the site and its administrator; the web server is not started.
                foreach (var firstRun in app.Services.GetServices<IHostedService>().OfType<FirstRun>())
                {
                    await firstRun.StartAsync(CancellationToken.None);
                }
                await DemoContent.GenerateAsync(app.Services, options, Console.Out);
                return 0;

            // CASE: serve (the default, also `serve`).
            case null or "serve" or ['-', ..]:
                await app.RunAsync();
                return 0;

            default:
                Console.Error.WriteLine($"Unknown command '{args[0]}'. Commands: serve (default), migrate, generate.");
                return 2;
        }
    }
}
