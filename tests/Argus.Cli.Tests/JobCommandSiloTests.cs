using Argus.Testing;

namespace Argus.Cli.Tests;

/// <summary><c>argus job</c> against the real silo, output captured.</summary>
[Collection(CliSiloCollection.Name)]
public sealed class JobCommandSiloTests(CliSiloFixture fixture) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("argus-jobs-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    private Task<(int Code, string Output)> RunAsync(params string[] args) => fixture.RunAsync(args);

    private string Output => Path.Combine(_dir.FullName, "out");

    [Fact]
    public async Task Submit_with_wait_shows_progress_until_the_job_completes_then_status_and_list_show_it()
    {
        var input = Path.Combine(_dir.FullName, "photos");
        ImageWarehouse.Create(input, 40);
        ImageWarehouse.CreateCorrupt(input, 2);

        var (code, output) = await RunAsync("job", "submit", "-i", input, "-m", "resnet18", "-o", Output, "--id", "cli-photos", "--shard-size", "16", "--wait");

        Assert.True(code == 0, output);
        Assert.Contains($"Job cli-photos planning: {input} → resnet18 → {Path.Combine(Output, "cli-photos")}", output);
        // Without a terminal, Spectre prints the progress bar's line instead of redrawing it, at most once a second and at
        // 25, 50, 75 … % (none when the job is done before its first second): each line printed is whole.
        foreach (var line in output.Split('\n').Where(l => l.Contains(" items/s", StringComparison.Ordinal)))
        {
            Assert.Matches(@"cli-photos (planning|running|completed): \d+/\d+ items, \d+\.\d items/s, ETA \S+, \d+ failed.*: \d+%", line);
        }

        Assert.Contains($"Job cli-photos completed: 40 succeeded, 2 failed (bad_input 2). Output: {Path.Combine(Output, "cli-photos")}", output);

        var (shown, status) = await RunAsync("job", "status", "cli-photos");
        Assert.Equal(0, shown);
        Assert.Matches(@"State\s+completed", status);
        Assert.Matches(@"Items\s+40 succeeded, 2 failed, 42 planned", status);
        Assert.Matches(@"Shards\s+3/3 written, 0 running", status);
        Assert.Matches(@"Failures\s+bad_input 2", status);

        var (listed, list) = await RunAsync("job", "list");
        Assert.Equal(0, listed);
        Assert.Matches(@"│ cli-photos\s+│ completed\s+│ resnet18\s+│ 42/42\s+│ 2\s+│", list);
        Assert.Matches(@"\d+ job\(s\)\.", list);

        var file = Path.Combine(_dir.FullName, "cli-photos.html");
        string[] api = ["--api", fixture.Silo!.BaseAddress.ToString(), "--api-key", CliSiloFixture.ApiKey];
        var (reported, report) = await RunAsync(["job", "report", "cli-photos", "-o", file, .. api]);
        Assert.True(reported == 0, report);
        Assert.Contains($"Report of job cli-photos written to {file}", report);
        var html = await File.ReadAllTextAsync(file);
        Assert.Contains("<title>Job cli-photos · Argus</title>", html);
        Assert.Contains("""<span class="reason">bad_input</span></td><td class="n">2</td>""", html);
        var (unknown, refusal) = await RunAsync(["job", "report", "no-such-job", "-o", file, .. api]);
        Assert.Equal(2, unknown);
        Assert.Contains("UnknownJobException: Unknown job 'no-such-job'.", refusal);
    }

    [Fact]
    public async Task A_job_is_paused_resumed_and_cancelled_and_refusals_exit_with_2()
    {
        // A job that watches its folder runs until cancelled, so every transition is the test's own.
        var input = Path.Combine(_dir.FullName, "watched");
        ImageWarehouse.CreateCorrupt(input, 2);
        Assert.Equal(0, (await RunAsync("job", "submit", "-i", input, "-m", "resnet18", "-o", Output, "--id", "cli-watched", "--watch")).Code);

        var (paused, pause) = await RunAsync("job", "pause", "cli-watched");
        Assert.Equal(0, paused);
        Assert.Contains("Job cli-watched paused: ", pause);
        Assert.Matches("Job cli-watched (planning|running): ", (await RunAsync("job", "resume", "cli-watched")).Output);
        Assert.Contains("Job cli-watched cancelled: ", (await RunAsync("job", "cancel", "cli-watched")).Output);

        var (refused, why) = await RunAsync("job", "resume", "cli-watched");
        Assert.Equal(2, refused);
        Assert.Contains("JobConflictException: Job 'cli-watched' is cancelled", why);

        var (conflict, conflictWhy) = await RunAsync("job", "submit", "-i", input, "-m", "resnet18", "-o", Output, "--id", "cli-watched");
        Assert.Equal(2, conflict);
        Assert.Contains("JobConflictException", conflictWhy);

        var (unknown, unknownWhy) = await RunAsync("job", "status", "nope");
        Assert.Equal(2, unknown);
        Assert.Contains("UnknownJobException: Unknown job 'nope'.", unknownWhy);
    }

    [Fact]
    public async Task Waiting_on_a_job_that_fails_exits_with_1_and_says_why()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_dir.FullName, "empty")).FullName;

        var (code, output) = await RunAsync("job", "submit", "-i", empty, "-m", "resnet18", "-o", Output, "--id", "cli-empty", "--wait");

        Assert.True(code == 1, output);
        Assert.Contains("Job cli-empty failed: 0 succeeded, 0 failed.", output);
        Assert.Contains($"Input '{empty}' holds no images or videos.", output);
    }
}
