using System.CommandLine;
using Argus.Client;
using Argus.Jobs;
using Spectre.Console;
using Spectre.Console.Rendering;
using static System.FormattableString;

namespace Argus.Cli;

/// <summary>
/// <c>argus job submit|status|list|pause|resume|cancel|report</c>: batch jobs through the SDK; <c>report</c> from a silo's
/// HTTP API (<c>--api</c>, <c>--api-key</c>), which renders it.
/// </summary>
internal static class JobCommand
{
    /// <summary>How often <c>submit</c> waiting on a job and <c>status</c> watching one ask for its status.</summary>
    private static readonly TimeSpan WatchPeriod = TimeSpan.FromSeconds(1);

    /// <summary>The exit code when Ctrl-C ends a wait before the job finished (the shell's code for SIGINT).</summary>
    internal const int Interrupted = 130;

    private static readonly Option<string> Input = new("--input", "-i")
    {
        Description = "The items: a folder (images and videos, recursively), a glob or a manifest file, relative to the current folder; or an object store's images: s3://bucket/prefix, az://container/prefix, a blob URL.",
        Required = true,
    };

    private static readonly Option<string> Model = new("--model", "-m") { Description = "The model every item runs through.", Required = true };

    private static readonly Option<string?> Version = new("--version", "--model-version")
    {
        Description = "The model version every item runs through (re-score the input with another version); default the rollout's stable version.",
    };

    private static readonly Option<string> Output = new("--output", "-o")
    {
        Description = "The folder the job writes {output}/{id}/part-NNNNN.jsonl (or .parquet) and errors.jsonl to, relative to the current folder; or an object store's prefix.",
        Required = true,
    };

    private static readonly Option<JobOutputFormat> Format = new Option<JobOutputFormat>("--format")
    {
        Description = "How each shard's results are written: jsonl (one JSON object a line) or parquet (one table for DuckDB, Spark or pandas).",
        DefaultValueFactory = _ => new JobSpec().Format,
    }.AcceptOnlyFromAmong("jsonl", "parquet");

    private static readonly Option<string?> Id = new("--id") { Description = "The job's id; default job-{yyyyMMdd-HHmmss}-{4 hex digits}." };

    private static readonly Option<int> BatchSize = new("--batch-size")
    {
        Description = "Items a worker sends to a device at once.",
        DefaultValueFactory = _ => new JobSpec().BatchSize,
    };

    private static readonly Option<int> ShardSize = new("--shard-size")
    {
        Description = "Items per shard: the unit of leasing, output and checkpoint.",
        DefaultValueFactory = _ => new JobSpec().ShardSize,
    };

    private static readonly Option<double> VideoFps = new("--video-fps")
    {
        Description = "Frames per second sampled from each video file.",
        DefaultValueFactory = _ => new JobSpec().VideoFps,
    };

    private static readonly Option<string?> Schedule = new("--schedule")
    {
        Description = "A cron expression (five fields, UTC, e.g. \"0 2 * * *\"): the job starts a run at each occurrence.",
    };

    private static readonly Option<bool> WatchFolder = new("--watch")
    {
        Description = "Keep watching the input: files that appear later are run too, until the job is cancelled.",
    };

    private static readonly Option<int> MaxAttempts = new("--max-attempts")
    {
        Description = "Attempts per item for transient failures before it counts as failed.",
        DefaultValueFactory = _ => new JobSpec().MaxAttempts,
    };

    private static readonly Option<bool> Wait = new("--wait")
    {
        Description = "Show a live progress bar until the job finishes; exit 0 when it completed, 1 when it failed or was cancelled.",
    };

    public static Command Create(IAnsiConsole console) => new("job", "Submits, shows, lists, pauses, resumes and cancels batch jobs, and writes their reports.")
    {
        Submit(console), Status(console), List(console), Report(console),
        Control(console, "pause", "Pauses a job: no new shard starts; shards in progress run again on resume.", (c, id) => c.PauseJobAsync(id)),
        Control(console, "resume", "Resumes a paused job.", (c, id) => c.ResumeJobAsync(id)),
        Control(console, "cancel", "Cancels a job for good (a schedule starts no more runs); written shards stay.", (c, id) => c.CancelJobAsync(id)),
    };

    /// <summary>
    /// The job's id and spec as the command line of <c>submit</c> gives them, paths resolved against
    /// <paramref name="currentFolder"/>, and what is wrong with them.
    /// </summary>
    internal static (string? Id, JobSpec Spec, IReadOnlyList<string> Problems) SubmissionOf(ParseResult parse, string currentFolder)
    {
        var id = parse.GetValue(Id);
        var spec = new JobSpec
        {
            Input = Absolute(parse.GetValue(Input)!, currentFolder),
            Model = parse.GetValue(Model)!,
            Version = parse.GetValue(Version),
            Output = Absolute(parse.GetValue(Output)!, currentFolder),
            BatchSize = parse.GetValue(BatchSize),
            ShardSize = parse.GetValue(ShardSize),
            VideoFps = parse.GetValue(VideoFps),
            Schedule = parse.GetValue(Schedule),
            Watch = parse.GetValue(WatchFolder),
            MaxAttempts = parse.GetValue(MaxAttempts),
            Format = parse.GetValue(Format),
        };
        List<string> problems = [.. JobSubmission.Problems(id, spec)];
        if (parse.GetValue(Wait) && (spec.Schedule is not null || spec.Watch))
        {
            problems.Add("--wait waits for the job to finish, but a job with --schedule or --watch runs until cancelled.");
        }

        return (id, spec, problems);
    }

    /// <summary>The job's model as the command shows it: with the version it names, e.g. <c>resnet18 v2</c>.</summary>
    internal static string ModelOf(JobSpec spec) => spec.Version is { } version ? $"{spec.Model} v{version}" : spec.Model;

    /// <summary>One line of a job's progress: state, items done of planned, items/s, ETA and failures by reason.</summary>
    internal static string Progress(JobStatus s)
    {
        var line = Invariant($"{State(s.State)}: {s.ItemsSucceeded + s.ItemsFailed}/{s.ItemsTotal} items, {s.ItemsPerSecond:F1} items/s, ETA {Eta(s.Eta)}, {s.ItemsFailed} failed");
        return s.Failures.Count == 0 ? line : $"{line} ({Failures(s)})";
    }

    /// <summary>A remaining time as h:mm:ss or m:ss; "-" when unknown.</summary>
    internal static string Eta(TimeSpan? eta) => eta switch
    {
        null => "-",
        { TotalHours: >= 1 } e => Invariant($"{(int)e.TotalHours}:{e.Minutes:D2}:{e.Seconds:D2}"),
        var e => Invariant($"{e.Value.Minutes}:{e.Value.Seconds:D2}"),
    };

    private static Command Submit(IAnsiConsole console)
    {
        var command = new Command("submit", "Submits a batch job: every item of the input through a model, written under the output folder.")
        {
            Input, Model, Version, Output, Format, Id, BatchSize, ShardSize, VideoFps, Schedule, WatchFolder, MaxAttempts, Wait,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (id, spec, problems) = SubmissionOf(parse, Environment.CurrentDirectory);
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    console.MarkupLineInterpolated($"[red]{problem}[/]");
                }

                return 2;
            }

            return await ArgusCli.WithClientAsync(parse, console, async client =>
            {
                var status = await client.SubmitJobAsync(id, spec);
                console.MarkupLineInterpolated($"Job [bold]{status.Id}[/] {State(status.State)}: {spec.Input} → {ModelOf(spec)} → {status.OutputFolder}");
                return parse.GetValue(Wait) ? await WaitAsync(console, client, status.Id, cancellationToken) : 0;
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>A live progress bar until the job finishes, then its outcome; the exit code says how it ended.</summary>
    private static async Task<int> WaitAsync(IAnsiConsole console, IArgusClient client, string id, CancellationToken cancellationToken)
    {
        JobStatus? last = null;
        try
        {
            await console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
                .StartAsync(async progress =>
                {
                    var bar = progress.AddTask(Markup.Escape(id), maxValue: 1);
                    await foreach (var status in client.WatchJobAsync(id, WatchPeriod, cancellationToken))
                    {
                        last = status;
                        bar.MaxValue = Math.Max(1, status.ItemsTotal);
                        bar.Value = status.ItemsSucceeded + status.ItemsFailed;
                        bar.Description = Markup.Escape($"{id} {Progress(status)}");
                    }

                    bar.StopTask();
                });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLineInterpolated($"Stopped waiting; job [bold]{id}[/] goes on (argus job cancel {id} stops it).");
            return Interrupted;
        }

        var outcome = Invariant($"{last!.ItemsSucceeded} succeeded, {last.ItemsFailed} failed");
        console.MarkupLineInterpolated($"Job [bold]{id}[/] {State(last.State)}: {outcome}{(last.Failures.Count > 0 ? $" ({Failures(last)})" : "")}. Output: {last.OutputFolder}");
        if (last.Error is { } error)
        {
            console.MarkupLineInterpolated($"[red]{error}[/]");
        }

        return last.State == JobState.Completed ? 0 : 1;
    }

    private static Command Status(IAnsiConsole console)
    {
        var id = new Argument<string>("id") { Description = "The job's id." };
        var watch = new Option<bool>("--watch", "-w") { Description = "Keep the status on screen, refreshed every second, until the job finishes or Ctrl-C." };
        var command = new Command("status", "Shows a job's state, progress, rate, ETA and failures.") { id, watch };
        command.SetAction((parse, cancellationToken) => ArgusCli.WithClientAsync(parse, console, async client =>
        {
            var job = parse.GetValue(id)!;
            var status = await client.GetJobAsync(job);
            if (!parse.GetValue(watch))
            {
                console.Write(View(status));
                return 0;
            }

            await console.Live(View(status)).StartAsync(async live =>
            {
                try
                {
                    await foreach (var next in client.WatchJobAsync(job, WatchPeriod, cancellationToken))
                    {
                        live.UpdateTarget(View(next));
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Ctrl-C: the last view stays on screen.
                }
            });
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command List(IAnsiConsole console)
    {
        var command = new Command("list", "Lists every job with its state and progress.");
        command.SetAction((parse, cancellationToken) => ArgusCli.WithClientAsync(parse, console, async client =>
        {
            var jobs = await client.ListJobsAsync();
            var table = new Table().AddColumns("Job", "State", "Model", "Items (done/total)", "Failed", "Items/s", "ETA", "Submitted (UTC)");
            foreach (var s in jobs)
            {
                table.AddRow(
                    Markup.Escape(s.Id), State(s.State), Markup.Escape(ModelOf(s.Spec)), Invariant($"{s.ItemsSucceeded + s.ItemsFailed}/{s.ItemsTotal}"),
                    Invariant($"{s.ItemsFailed}"), Invariant($"{s.ItemsPerSecond:F1}"), Eta(s.Eta), Invariant($"{s.SubmittedAt:yyyy-MM-dd HH:mm:ss}"));
            }

            console.Write(table);
            console.MarkupLineInterpolated($"{jobs.Count} job(s).");
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Report(IAnsiConsole console)
    {
        var id = new Argument<string>("id") { Description = "The job's id." };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "The file to write; default {id}-report.html in the current folder." };
        var command = new Command(
            "report", "Writes a job's report, one self-contained HTML page: throughput over time, batch sizes, top classes, failures by reason, slowest items.")
        {
            id, output, ArgusCli.Api, ArgusCli.ApiKey,
        };
        command.SetAction((parse, cancellationToken) => ArgusCli.WithApiClientAsync(parse, console, async client =>
        {
            var job = parse.GetValue(id)!;
            var html = await client.GetJobReportAsync(job, cancellationToken);
            var file = parse.GetValue(output) ?? new FileInfo($"{job}-report.html");
            await File.WriteAllTextAsync(file.FullName, html, cancellationToken);
            console.MarkupLineInterpolated($"Report of job [bold]{job}[/] written to {file.FullName}");
            return 0;
        }, cancellationToken));
        return command;
    }

    /// <summary><c>pause</c>, <c>resume</c> or <c>cancel</c>: one call, then the job's state.</summary>
    private static Command Control(IAnsiConsole console, string name, string description, Func<IArgusClient, string, Task<JobStatus>> call)
    {
        var id = new Argument<string>("id") { Description = "The job's id." };
        var command = new Command(name, description) { id };
        command.SetAction((parse, cancellationToken) => ArgusCli.WithClientAsync(parse, console, async client =>
        {
            var status = await call(client, parse.GetValue(id)!);
            console.MarkupLineInterpolated($"Job [bold]{status.Id}[/] {State(status.State)}: {Progress(status)}");
            return 0;
        }, cancellationToken));
        return command;
    }

    /// <summary>A job's status as a two-column grid.</summary>
    private static IRenderable View(JobStatus s)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string name, string value) => grid.AddRow(new Text(name), new Text(value));
        Row("Job", s.Id);
        Row("State", State(s.State));
        Row("Spec", Invariant($"{s.Spec.Input} → {ModelOf(s.Spec)}, batches of {s.Spec.BatchSize}, shards of {s.Spec.ShardSize}, {s.Spec.MaxAttempts} attempt(s)"));
        Row("Output", s.OutputFolder);
        Row("Items", Invariant($"{s.ItemsSucceeded} succeeded, {s.ItemsFailed} failed, {s.ItemsTotal} planned"));
        Row("Shards", Invariant($"{s.ShardsDone}/{s.ShardsTotal} written, {s.ShardsLeased} running"));
        Row("Rate", Invariant($"{s.ItemsPerSecond:F1} items/s, ETA {Eta(s.Eta)}"));
        if (s.Failures.Count > 0)
        {
            Row("Failures", Failures(s));
        }

        Row("Submitted", Invariant($"{s.SubmittedAt:yyyy-MM-dd HH:mm:ss} UTC"));
        if (s.FinishedAt is { } finished)
        {
            Row("Finished", Invariant($"{finished:yyyy-MM-dd HH:mm:ss} UTC"));
        }

        if (s.Spec.Schedule is { } schedule)
        {
            Row("Schedule", $"{schedule} (UTC), next run {(s.NextRunAt is { } next ? Invariant($"{next:yyyy-MM-dd HH:mm}") : "-")}");
        }

        if (s.Runs.Count > 0)
        {
            Row("Runs", string.Join(", ", s.Runs));
        }

        if (s.Error is { } error)
        {
            Row("Error", error);
        }

        return grid;
    }

    private static string State(JobState state) => state.ToString().ToLowerInvariant();

    private static string Failures(JobStatus s) =>
        string.Join(", ", s.Failures.OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal).Select(f => Invariant($"{f.Key} {f.Value}")));

    /// <summary>A local path made absolute against the current folder; an object store's location (<c>s3://…</c>, a URL) as it is.</summary>
    private static string Absolute(string path, string currentFolder) =>
        string.IsNullOrWhiteSpace(path) || path.Contains("://", StringComparison.Ordinal) ? path : Path.GetFullPath(path, currentFolder);
}
