using Masthead.Features.Setup;
using Masthead.Hosting;

namespace Masthead.Tests.Hosting;

/// <summary>The command tree, parsed and run with stand-in actions: no site is started.</summary>
public sealed class CommandLineTests
{
    private readonly List<string> _ran = [];
    private DemoContentOptions? _generated;

    private CommandActions Actions(Exception? failure = null) => new(
        Serve: _ =>
        {
            _ran.Add("serve");
            return Task.CompletedTask;
        },
        Migrate: (output, _) =>
        {
            _ran.Add("migrate");
            return failure is null ? output.WriteLineAsync("migrated") : Task.FromException(failure);
        },
        Generate: (options, progress, _) =>
        {
            _ran.Add("generate");
            _generated = options;
            progress(new DemoContentProgress("posts", options.Posts, options.Posts));
            return Task.FromResult("generated");
        });

    private async Task<(int Code, string Output, string Error)> RunAsync(string[] args, Exception? failure = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandLine.InvokeAsync(CommandLine.Build(Actions(failure)), args, output, error, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Help_Root_ListsEveryCommandAndTheExitCodes()
    {
        var (code, output, _) = await RunAsync(["--help"]);

        Assert.Equal(CommandLine.Success, code);
        Assert.Contains("serve", output, StringComparison.Ordinal);
        Assert.Contains("migrate", output, StringComparison.Ordinal);
        Assert.Contains("generate", output, StringComparison.Ordinal);
        Assert.Contains("0 done, 1 the work failed, 2 bad usage", output, StringComparison.Ordinal);
        Assert.Empty(_ran);
    }

    [Fact]
    public async Task Help_Generate_DescribesEveryOption()
    {
        var (code, output, _) = await RunAsync(["generate", "--help"]);

        Assert.Equal(CommandLine.Success, code);
        foreach (var option in new[] { "--posts", "--categories", "--tags", "--authors", "--comments", "--thread-comments" })
        {
            Assert.Matches($@"{option} <n>\s+\S", output);
        }
        Assert.Empty(_ran);
    }

    [Fact]
    public async Task Generate_UnknownOption_ExitsWithBadUsageAndNamesIt()
    {
        var (code, _, error) = await RunAsync(["generate", "--postz", "5"]);

        Assert.Equal(CommandLine.BadUsage, code);
        Assert.Contains("'--postz'", error, StringComparison.Ordinal);
        Assert.Empty(_ran);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("--frob")]
    public async Task Migrate_UnknownArgument_ExitsWithBadUsageWithoutMigrating(string argument)
    {
        var (code, _, error) = await RunAsync(["migrate", argument]);

        Assert.Equal(CommandLine.BadUsage, code);
        Assert.Contains($"'{argument}'", error, StringComparison.Ordinal);
        Assert.Empty(_ran);
    }

    [Fact]
    public async Task Migrate_WithHostSettings_Migrates()
    {
        var (code, output, _) = await RunAsync(["migrate", "--Database:Provider", "Postgres", "--Database:ConnectionString", "Host=x"]);

        Assert.Equal((CommandLine.Success, "migrated"), (code, output.Trim()));
        Assert.Equal(["migrate"], _ran);
    }

    [Theory]
    [InlineData("--posts", "many")]
    [InlineData("--posts", "-1")]
    [InlineData("--authors", "0")]
    [InlineData("--comments", "2000000")]
    public async Task Generate_BadValue_ExitsWithBadUsageAndNamesTheOption(string option, string value)
    {
        var (code, _, error) = await RunAsync(["generate", option, value]);

        Assert.Equal(CommandLine.BadUsage, code);
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.Empty(_ran);
    }

    [Fact]
    public async Task Generate_Options_BindAndDefaults_HostSettingsLeftToTheHost()
    {
        var (code, output, _) = await RunAsync(
            ["generate", "--posts", "12", "--Database:Provider", "Sqlite", "--comments=3", "--thread-comments", "7",
                "--Mail:PickupFolder=/tmp/x", "--environment", "Production", "--MASTHEAD_ADMIN_PASSWORD=long-enough-secret"]);

        Assert.Equal(CommandLine.Success, code);
        Assert.Equal(new DemoContentOptions(Posts: 12, Categories: 10, Tags: 50, Authors: 5, Comments: 3, ThreadComments: 7), _generated);
        // Output is not a terminal here, so progress comes as plain lines, then the summary.
        Assert.Equal(["posts: 12/12", "generated"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Theory]
    [InlineData("")]
    [InlineData("serve")]
    [InlineData("--urls http://127.0.0.1:5099")]
    [InlineData("serve --urls=http://127.0.0.1:5099 --Database:Provider Postgres")]
    [InlineData("--MASTHEAD_ADMIN_PASSWORD=long-enough-secret --Logging:LogLevel:Default Warning")]
    [InlineData("--https_port 8443 --SomeSetting value")]
    public async Task Serve_DefaultOrNamed_WithHostSettings_Serves(string commandLine)
    {
        var (code, _, _) = await RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(CommandLine.Success, code);
        Assert.Equal(["serve"], _ran);
    }

    [Fact]
    public async Task UnknownCommand_ExitsWithBadUsage()
    {
        var (code, _, error) = await RunAsync(["publish-everything"]);

        Assert.Equal(CommandLine.BadUsage, code);
        Assert.Contains("publish-everything", error, StringComparison.Ordinal);
        Assert.Empty(_ran);
    }

    [Fact]
    public async Task Migrate_WorkFails_ExitsWithWorkFailedAndSaysWhy()
    {
        var (code, _, error) = await RunAsync(["migrate"], new InvalidOperationException("the database is read-only"));

        Assert.Equal(CommandLine.WorkFailed, code);
        Assert.Contains("the database is read-only", error, StringComparison.Ordinal);
    }
}
