using Argus.Jobs;
using Spectre.Console;

namespace Argus.Cli.Tests;

/// <summary><c>argus job</c> options into a job's spec, and its progress line; no cluster needed.</summary>
public sealed class JobCommandTests
{
    private static (string? Id, JobSpec Spec, IReadOnlyList<string> Problems) Submission(string folder, params string[] args) =>
        JobCommand.SubmissionOf(JobCommand.Create(AnsiConsole.Console).Parse(["submit", .. args]), folder);

    [Fact]
    public void Every_option_lands_in_the_spec_with_relative_paths_made_absolute_against_the_current_folder()
    {
        var (id, spec, problems) = Submission("/home/ops",
            "--input", "photos/2026", "--model", "resnet18", "--output", "../results", "--id", "nightly", "--batch-size", "8",
            "--shard-size", "100", "--video-fps", "2.5", "--max-attempts", "5", "--version", "2", "--format", "parquet");

        Assert.Empty(problems);
        Assert.Equal("nightly", id);
        Assert.Equal(new JobSpec
        {
            Input = "/home/ops/photos/2026", Model = "resnet18", Output = "/home/results", BatchSize = 8, ShardSize = 100,
            VideoFps = 2.5, MaxAttempts = 5, Version = "2", Format = JobOutputFormat.Parquet,
        }, spec);
        Assert.Equal("resnet18 v2", JobCommand.ModelOf(spec));
    }

    [Fact]
    public void Left_out_options_take_the_specs_defaults_and_absolute_paths_globs_and_object_stores_stay()
    {
        var (id, spec, problems) = Submission("/home/ops", "-i", "/data/cam*/**/*.jpg", "-m", "resnet18", "-o", "/data/out", "--watch");

        Assert.Empty(problems);
        Assert.Null(id);
        Assert.Equal(new JobSpec { Input = "/data/cam*/**/*.jpg", Model = "resnet18", Output = "/data/out", Watch = true }, spec);

        var (_, stores, _) = Submission("/home/ops", "-i", "s3://photos/cams", "-m", "m", "-o", "https://acct1.blob.core.windows.net/out/x");
        Assert.Equal(("s3://photos/cams", "https://acct1.blob.core.windows.net/out/x"), (stores.Input, stores.Output));

        var (_, scheduled, _) = Submission("/", "-i", "/in", "-m", "m", "-o", "/out", "--schedule", "0 2 * * *");
        Assert.Equal("0 2 * * *", scheduled.Schedule);
    }

    [Fact]
    public void Every_problem_is_listed_including_a_wait_on_a_job_that_never_finishes()
    {
        var (_, _, problems) = Submission("/", "-i", "/in", "-m", "m", "-o", "/out", "--id", ".x", "--batch-size", "0",
            "--schedule", "0 2 * * *", "--watch", "--wait");

        Assert.Collection(problems,
            p => Assert.StartsWith("id '.x' must be", p),
            p => Assert.StartsWith("batch_size must be 1 to 256 (is 0)", p),
            p => Assert.Equal("a job either runs on a schedule or watches a folder, not both.", p),
            p => Assert.StartsWith("--wait waits for the job to finish", p));
    }

    [Fact]
    public async Task A_refused_submission_exits_with_2_and_says_why_before_any_cluster_is_asked()
    {
        // No silo listens on this gateway: the problems are found first.
        var (code, output) = await CapturedConsole.RunAsync(
            ["--gateway", "1", "job", "submit", "-i", "photos", "-m", "resnet18", "--version", " ", "-o", "out", "--max-attempts", "0"]);

        Assert.Equal(2, code);
        Assert.Contains("max_attempts must be 1 to 20 (is 0).", output);
        Assert.Contains("version, when given, names a version of the model", output); // the job's --version, not the program's
        Assert.DoesNotContain("Cannot reach the cluster", output);
    }

    [Fact]
    public void A_format_that_is_not_jsonl_or_parquet_is_a_parse_error_naming_it()
    {
        var parse = JobCommand.Create(AnsiConsole.Console).Parse(["submit", "-i", "/in", "-m", "m", "-o", "/out", "--format", "csv"]);

        var error = Assert.Single(parse.Errors).Message;
        Assert.Contains("'csv'", error);
        Assert.Contains("'jsonl'", error);
        Assert.Contains("'parquet'", error);
    }

    [Fact]
    public void The_progress_line_has_items_rate_eta_and_failures_by_reason()
    {
        var status = new JobStatus(
            "j1", JobState.Running, new JobSpec(), "/out/j1", ItemsTotal: 5000, ItemsSucceeded: 1200, ItemsFailed: 34,
            ShardsTotal: 20, ShardsDone: 4, ShardsLeased: 2, ItemsPerSecond: 45.24, Eta: TimeSpan.FromSeconds(83),
            new Dictionary<string, long> { ["unreadable"] = 4, ["bad_input"] = 30 }, DateTime.UtcNow, null, null, null, []);

        Assert.Equal("running: 1234/5000 items, 45.2 items/s, ETA 1:23, 34 failed (bad_input 30, unreadable 4)", JobCommand.Progress(status));
        Assert.Equal("paused: 0/0 items, 0.0 items/s, ETA -, 0 failed",
            JobCommand.Progress(status with { State = JobState.Paused, ItemsTotal = 0, ItemsSucceeded = 0, ItemsFailed = 0, ItemsPerSecond = 0, Eta = null, Failures = new Dictionary<string, long>() }));
        Assert.Equal("2:05:09", JobCommand.Eta(new TimeSpan(2, 5, 9)));
    }
}
