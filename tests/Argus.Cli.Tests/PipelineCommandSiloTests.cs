using Argus.Testing;

namespace Argus.Cli.Tests;

/// <summary><c>argus pipeline</c> against the real silo (with API keys) and its moderation models, output captured.</summary>
[Collection(CliSiloCollection.Name)]
public sealed class PipelineCommandSiloTests(CliSiloFixture fixture) : IDisposable
{
    // The fast model leans Porn at 0.6 on apple.jpg (review here), the heavy one is sure it is Neutral (allow); both are
    // sure baboon.jpg is Neutral (allow, and not sent on).
    private const string Moderation = """
        {"fast_model": "moderation-fast", "fast_rule": {"block": {"Porn": 0.9}, "review": {"Porn": 0.4, "Sexy": 0.6}},
         "heavy_model": "moderation-heavy", "heavy_rule": {"block": {"Porn": 0.7}, "review": {"Porn": 0.3}},
         "heavy_items": "review", "deadline_s": 600, "fast_p95_ms": 300}
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("argus-pipeline-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    private Task<(int Code, string Output)> RunAsync(params string[] args) =>
        fixture.RunAsync(["pipeline", .. args, "--api", fixture.Silo!.BaseAddress.ToString(), "--api-key", CliSiloFixture.ApiKey]);

    private string File(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private string Image(string name)
    {
        var path = Path.Combine(_dir.FullName, name);
        System.IO.File.WriteAllBytes(path, TestData.Image(name));
        return path;
    }

    [Fact]
    public async Task A_pipeline_is_put_from_a_file_shown_listed_and_deleted()
    {
        var kept = Moderation.Replace("\"fast_p95_ms\": 300", "\"fast_p95_ms\": 300, \"retention_days\": 30", StringComparison.Ordinal);
        var (put, created) = await RunAsync("put", "cli-crud", "--file", File("spec.json", kept));
        Assert.True(put == 0, created);
        Assert.Matches(@"Retention\s+30 days from submit", created);
        Assert.Matches(@"Fast tier\s+moderation-fast: block Porn ≥ 0.9; review Porn ≥ 0.4, Sexy ≥ 0.6; p95 target 300 ms", created);
        Assert.Matches(@"Heavy tier\s+moderation-heavy: block Porn ≥ 0.7; review Porn ≥ 0.3; review \+ 0% sample; deadline 600 s", created);

        var (got, json) = await RunAsync("get", "cli-crud", "--json");
        Assert.Equal(0, got);
        // What get --json prints, put --file takes back.
        Assert.Equal(0, (await RunAsync("put", "cli-crud", "--file", File("again.json", json))).Code);
        Assert.Contains("\"heavy_items\": \"review\"", json);
        Assert.Contains("\"Porn\": 0.9", json);
        Assert.Contains("\"retention_days\": 30", json);

        var (listed, list) = await RunAsync("list");
        Assert.Equal(0, listed);
        Assert.Matches(@"│ cli-crud\s+│ moderation-fast\s+│ moderation-heavy\s+│ review \+ 0% sample\s+│ 300 ms\s+│ 600 s\s+│", list);

        Assert.Contains("Pipeline cli-crud deleted.", (await RunAsync("delete", "cli-crud")).Output);
        var (again, none) = await RunAsync("delete", "cli-crud");
        Assert.Equal(1, again);
        Assert.Contains("No pipeline 'cli-crud'.", none);
        var (unknown, why) = await RunAsync("get", "cli-crud");
        Assert.Equal(2, unknown);
        Assert.Contains("UnknownPipelineException: Unknown pipeline 'cli-crud'.", why);
    }

    [Fact]
    public async Task Every_problem_of_a_spec_file_is_listed_a_misspelt_field_included()
    {
        var (code, output) = await RunAsync("put", "cli-bad", "--file", File("bad.json", Moderation.Replace("\"deadline_s\"", "\"deadine_s\"", StringComparison.Ordinal).Replace("0.9", "1.5", StringComparison.Ordinal)));

        Assert.Equal(2, code);
        Assert.Contains("BadInputException: Pipeline 'cli-bad' is invalid:", output);
        Assert.Contains("deadine_s", output);
        Assert.Contains("fast_rule.block.Porn: the threshold must be 0 to 1 (is 1.5).", output);
        Assert.Contains("does not exist", (await RunAsync("put", "cli-bad", "--file", Path.Combine(_dir.FullName, "missing.json"))).Output);
    }

    [Fact]
    public async Task Submitted_images_print_their_provisional_decisions_and_an_item_shows_its_final_one()
    {
        Assert.Equal(0, (await RunAsync("put", "cli-tiers", "--file", File("spec.json", Moderation))).Code);

        var (code, output) = await RunAsync("submit", "cli-tiers", Image("apple.jpg"), "--item", "apple-1");

        Assert.True(code == 0, output);
        Assert.Matches(@"│ apple-1\s+│ apple.jpg\s+│ pending\s+│ review by moderation-fast 4.3.0 \(Porn 0\.\d\d, .*\) in \d+ ms\s+│ pending \(heavy tier\)\s+│", output);

        var (both, two) = await RunAsync("submit", "cli-tiers", Image("baboon.jpg"), Image("apple.jpg"));
        Assert.True(both == 0, two);
        Assert.Matches(@"│ baboon.jpg\s+│ final\s+│ allow by moderation-fast 4.3.0 \(Neutral", two);
        Assert.Equal(2, (await RunAsync("submit", "cli-tiers", Image("baboon.jpg"), Image("apple.jpg"), "--item", "x")).Code);

        string shown = "";
        await Eventually.HoldsAsync(async () =>
        {
            shown = (await RunAsync("item", "cli-tiers", "apple-1")).Output;
            return shown.Contains("final", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(60), "the apple's final result");
        Assert.True(shown.Contains("Final", StringComparison.Ordinal), shown);
        Assert.Matches(@"State\s+final", shown);
        Assert.Matches(@"Provisional\s+review by moderation-fast 4.3.0", shown);
        Assert.Matches(@"Final\s+allow by moderation-heavy 4.3.0 \(Neutral (0\.9\d|1\.00).*\) in \d+ ms, \d+\.\d s after submit", shown);

        var (unknown, why) = await RunAsync("item", "cli-tiers", "nope");
        Assert.Equal(2, unknown);
        Assert.Contains("UnknownPipelineItemException: Pipeline 'cli-tiers' has no item 'nope'.", why);
    }

    [Fact]
    public async Task Without_a_key_the_silo_refuses_and_a_bad_api_address_is_caught_before_connecting()
    {
        var (refused, why) = await fixture.RunAsync("pipeline", "list", "--api", fixture.Silo!.BaseAddress.ToString());
        Assert.Equal(2, refused);
        Assert.Contains("(HTTP 401 unauthorized)", why);

        var (bad, message) = await fixture.RunAsync("pipeline", "list", "--api", "ftp://silo");
        Assert.Equal(2, bad);
        Assert.Contains("--api must be an http(s) address (is 'ftp://silo').", message);
    }

    [Fact]
    public async Task Items_lists_a_window_by_state_and_backfill_watch_prints_progress_until_done()
    {
        Assert.Equal(0, (await RunAsync("put", "cli-history", "--file", File("spec.json", Moderation[..^1] + $", \"archive\": \"{Path.Combine(_dir.FullName, "archive")}\"}}"))).Code);
        Assert.Equal(0, (await RunAsync("submit", "cli-history", Image("baboon.jpg"), "--item", "b-1")).Code);
        Assert.Equal(2, (await RunAsync("submit", "cli-history", File("text.jpg", "not an image"), "--item", "bad-1")).Code);

        string listed = "";
        await Eventually.HoldsAsync(async () =>
        {
            listed = (await RunAsync("items", "cli-history", "--since", "10m")).Output;
            return listed.Contains("2 item(s).", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30), "both items listed");
        Assert.Matches(@"│ b-1\s+│ final\s+│ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+│ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+│ allow\s+│ allow\s+│", listed);
        var (_, failed) = await RunAsync("items", "cli-history", "--state", "failed", "--since", "10m");
        Assert.Matches(@"│ bad-1\s+│ failed\s+│", failed);
        Assert.Contains("1 item(s).", failed);
        Assert.Contains("1 item(s); more in the window (raise --limit).", (await RunAsync("items", "cli-history", "--limit", "1")).Output);
        Assert.Equal(2, (await RunAsync("items", "cli-history", "--since", "8d")).Code);

        var (code, output) = await RunAsync("backfill", "cli-history", "--version", "4.3.0", "--backfill-id", "cli-bf", "--watch");
        Assert.True(code == 0, output);
        Assert.Matches(@"Backfill cli-bf completed: 2 items, 1 re-scored, 1 skipped, 0 failed, at .* UTC \(moderation-heavy 4\.3\.0\)", output); // the failed item is skipped
        Assert.Matches(@"Replaced\s+allow by moderation-fast 4.3.0", (await RunAsync("item", "cli-history", "b-1")).Output);
    }
}
