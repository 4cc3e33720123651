namespace Argus.Cli.Tests;

/// <summary><c>argus autoscale</c>: the decision read from a real silo, and the bad arguments of <c>dev</c>.</summary>
[Collection(CliSiloCollection.Name)]
public sealed class AutoscaleCommandTests(CliSiloFixture fixture)
{
    [Fact]
    public async Task Status_shows_the_decision_with_the_silos_key_and_is_refused_with_the_reason_without_it()
    {
        var url = fixture.Silo!.BaseAddress.ToString();

        var (code, output) = await fixture.RunAsync("autoscale", "status", "--url", url, "--api-key", CliSiloFixture.ApiKey);
        Assert.Equal(0, code);
        Assert.Matches(@"│\s+1\s+│\s+1\s+│\s+1–10\s+│", output); // desired, current, bounds
        Assert.Contains("holding 1", output);

        (code, output) = await fixture.RunAsync("autoscale", "status", "--url", url, "--api-key", "not-the-key-0123456789");
        Assert.Equal(2, code);
        Assert.Contains("answered 401", output);

        // A key without the admin role: the refusal says why.
        (code, output) = await fixture.RunAsync("autoscale", "status", "--url", url, "--api-key", CliSiloFixture.InferKey);
        Assert.Equal(2, code);
        Assert.Contains("answered 403", output);
        Assert.Contains("needs the role admin", output);

        (code, output) = await fixture.RunAsync("autoscale", "status", "--url", "ftp://elsewhere");
        Assert.Equal(2, code);
        Assert.Contains("--url must be an http(s) address", output);
    }

    [Fact]
    public async Task Dev_lists_every_bad_argument_and_starts_nothing()
    {
        var (code, output) = await CapturedConsole.RunAsync(
            ["autoscale", "dev", "--min", "3", "--max", "2", "--sim-devices", "-1", "--silo", "/nonexistent/Argus.Silo.dll", "--api-key", "short"]);

        Assert.Equal(2, code);
        Assert.Contains("The silo /nonexistent/Argus.Silo.dll is missing", output);
        Assert.Contains("A Redis is needed", output);
        Assert.Contains("The maximum (2) must be at least the minimum (3)", output);
        Assert.Contains("Simulated devices per silo must be between 0 and 64 (is -1)", output);
        Assert.Contains("An API key needs at least 16 characters", output);
    }
}
