namespace Masthead.Tests.Infrastructure;

/// <summary>
/// What a test needs that <c>.ci/run</c> installs (a PostgreSQL server, Chromium, the npm tools).
/// Missing on a developer's machine, the test is skipped with the reason; under <c>CI=true</c> it fails instead, so a
/// green CI run means every test ran.
/// </summary>
public static class Needs
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void Present(bool available, string reason)
    {
        if (available)
        {
            return;
        }
        Assert.False(InCi, $"{reason} Under CI=true nothing may be skipped.");
        Assert.Skip(reason);
    }
}
