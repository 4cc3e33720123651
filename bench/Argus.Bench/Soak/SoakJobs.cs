using System.Diagnostics;
using System.Text.Json;
using Argus.Client;
using Argus.Jobs;
using Argus.Testing;

namespace Argus.Bench.Soak;

/// <summary>
/// Batch jobs back to back for the whole load: each over the same manifest of distinct real images (copies of
/// opencv-doc's photos, <see cref="ImageWarehouse"/>) and a few corrupt files, into the output folder the disk fault
/// fills. Each finished job's output is read back: every input exactly once, in a part file or in <c>errors.jsonl</c>.
/// </summary>
internal sealed class SoakJobs(IArgusClient client, string model, string manifest, IReadOnlyList<string> good, IReadOnlyList<string> corrupt, string output, Stopwatch clock)
{
    private readonly List<JobRun> _runs = [];
    private readonly List<(double Seconds, long Done)> _progress = [];
    private long _doneBefore;

    /// <summary>One job as it ended: its status, and what its output held.</summary>
    internal sealed record JobRun(string Id, double Submitted, double? Finished, JobState State, string? Error, long Succeeded, long Failed, OutputCheck? Check);

    /// <summary>
    /// What a job wrote: inputs with a result line, inputs with an error line, inputs with more than one line in all,
    /// inputs with none, lines for no input, and the good images among the failed.
    /// </summary>
    internal sealed record OutputCheck(int Results, int Errors, int Duplicated, int Missing, int Unexpected, int GoodFailed, int CorruptSucceeded)
    {
        public bool ExactlyOnce => Duplicated == 0 && Missing == 0 && Unexpected == 0;

        public override string ToString() =>
            $"{Results} results, {Errors} errors, {Duplicated} duplicated, {Missing} missing, {Unexpected} unexpected, {GoodFailed} good images failed, {CorruptSucceeded} corrupt succeeded";
    }

    public IReadOnlyList<JobRun> Runs
    {
        get
        {
            lock (_runs)
            {
                return [.. _runs];
            }
        }
    }

    /// <summary>Items done (succeeded or failed) over all jobs, sampled each second.</summary>
    public IReadOnlyList<(double Seconds, long Done)> Progress
    {
        get
        {
            lock (_progress)
            {
                return [.. _progress];
            }
        }
    }

    public int Items => good.Count + corrupt.Count;

    /// <summary>Submits jobs one after another until <paramref name="stop"/>; the last one is then awaited for at most <paramref name="finish"/>.</summary>
    public async Task RunAsync(CancellationToken stop, TimeSpan finish)
    {
        for (var n = 1; !stop.IsCancellationRequested; n++)
        {
            var id = $"soak-{n}";
            var submitted = clock.Elapsed.TotalSeconds;
            JobStatus status;
            try
            {
                status = await RetryAsync(() => client.SubmitJobAsync(id, new JobSpec
                {
                    Input = manifest, Model = model, Output = output, BatchSize = 16, ShardSize = 100, MaxAttempts = 10,
                }), stop);
            }
            catch (OperationCanceledException)
            {
                return; // the load ended before another job began
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken.None);
            using var _ = stop.Register(() => deadline.CancelAfter(finish));
            try
            {
                while (!status.IsFinished)
                {
                    await Task.Delay(1000, deadline.Token);
                    status = await RetryAsync(() => client.GetJobAsync(id), deadline.Token);
                    lock (_progress)
                    {
                        _progress.Add((clock.Elapsed.TotalSeconds, _doneBefore + status.ItemsSucceeded + status.ItemsFailed));
                    }
                }
            }
            catch (OperationCanceledException)
            {
                Record(new JobRun(id, submitted, null, status.State, $"not finished {finish.TotalSeconds:F0} s after the load ended", status.ItemsSucceeded, status.ItemsFailed, null));
                return;
            }

            _doneBefore += status.ItemsSucceeded + status.ItemsFailed;
            var check = status.State == JobState.Completed ? Read(status.OutputFolder) : null;
            Record(new JobRun(id, submitted, clock.Elapsed.TotalSeconds, status.State, status.Error, status.ItemsSucceeded, status.ItemsFailed, check));
            if (check is not null)
            {
                Directory.Delete(status.OutputFolder, recursive: true); // room on the small disk for the next
            }
        }
    }

    private void Record(JobRun run)
    {
        lock (_runs)
        {
            _runs.Add(run);
        }
    }

    /// <summary>
    /// Calls the job grain until it answers: while a silo or Redis is down the call may fail, and the caller tries again
    /// every second (these are the job's control calls, not the load).
    /// </summary>
    private static async Task<T> RetryAsync<T>(Func<Task<T>> call, CancellationToken stop)
    {
        while (true)
        {
            try
            {
                return await call().WaitAsync(TimeSpan.FromSeconds(10), stop);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                await Task.Delay(1000, stop);
            }
        }
    }

    private OutputCheck Read(string folder)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var (results, errors) = (new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
        void Count(string file, HashSet<string> into)
        {
            foreach (var line in File.ReadLines(file).Where(l => l.Length > 0))
            {
                using var json = JsonDocument.Parse(line);
                var item = json.RootElement.GetProperty("item").GetString() ?? "";
                lines[item] = lines.GetValueOrDefault(item) + 1;
                into.Add(item);
            }
        }

        foreach (var part in Directory.EnumerateFiles(folder, "part-*.jsonl"))
        {
            Count(part, results);
        }

        var merged = Path.Combine(folder, "errors.jsonl");
        if (File.Exists(merged))
        {
            Count(merged, errors);
        }

        var expected = good.Concat(corrupt).ToHashSet(StringComparer.Ordinal);
        return new OutputCheck(
            results.Count, errors.Count, lines.Count(l => l.Value > 1), expected.Count(e => !lines.ContainsKey(e)),
            lines.Keys.Count(k => !expected.Contains(k)), good.Count(errors.Contains), corrupt.Count(results.Contains));
    }
}
