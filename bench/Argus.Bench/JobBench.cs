using System.Diagnostics;
using System.Globalization;
using System.Text;
using Argus.Client;
using Argus.Jobs;
using Argus.LoadTesting.Reports;
using Argus.LoadTesting.Targets;
using Argus.Testing;
using ScottPlot;

namespace Argus.Bench;

/// <summary>
/// The batch image warehouse (issue 5): N distinct real images on disk (<see cref="ImageWarehouse"/>) through ResNet18,
/// by a batch job on one silo process and by the raw ONNX Runtime pipeline in this process (<see cref="RawPipeline"/>),
/// alternately at each batch size; images/s, wall time and CPU seconds per 1000 images of each, the job's share of the
/// raw pipeline's images/s, and a plot of throughput against batch size. Written to the <c>jobs</c> section.
/// </summary>
internal static class JobBench
{
    internal const string ModelName = "resnet18";
    private const double Target = 0.9;
    private const string PlotFile = "jobs-throughput-vs-batch-size.png";
    internal const string RawPath = "raw ONNX Runtime pipeline";
    private const string JobPath = "batch job (one silo)";

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>One path at one batch size, as measured.</summary>
    /// <param name="Cpu">CPU time of every process of the path: this one for the raw pipeline, the silo and this one for the job.</param>
    /// <param name="BenchCpu">This process's share of <paramref name="Cpu"/>.</param>
    /// <param name="Load">The 1-minute load average when it started.</param>
    /// <param name="DeviceBatch">Items per batch the silo's device ran (the job), or the batch size (raw).</param>
    /// <param name="ModelSeconds">Time the session spent running batches.</param>
    /// <param name="DecodeSeconds">Time spent decoding and preprocessing: on the device's path for the job, beside it for raw.</param>
    /// <param name="BusySeconds">Time the model's path was busy: the device's busy time (decoding included) for the job, the session's runs for raw.</param>
    /// <param name="Check">What the job wrote (null for the raw pipeline, which writes nothing).</param>
    internal sealed record Run(
        string Path, int BatchSize, long Succeeded, long Failed, TimeSpan Wall, TimeSpan Cpu, TimeSpan BenchCpu, string Load, double? DeviceBatch,
        double ModelSeconds, double DecodeSeconds, double BusySeconds, OutputCheck? Check = null)
    {
        public double IdleSeconds => Wall.TotalSeconds - BusySeconds;

        public double ImagesPerSecond => Succeeded / Wall.TotalSeconds;

        public double CpuSecondsPer1000 => Cpu.TotalSeconds * 1000 / Math.Max(1, Succeeded + Failed);

        public double BenchCpuSecondsPer1000 => BenchCpu.TotalSeconds * 1000 / Math.Max(1, Succeeded + Failed);
    }

    /// <summary>The image set as made for the run.</summary>
    internal sealed record Warehouse(string Folder, IReadOnlyList<string> Files, long Bytes, TimeSpan Made);

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var siloDll = options.SiloDll ?? Bench.FindSiloDll();
        var loadAtStart = Bench.LoadAverage();
        var warehouse = MakeWarehouse(options.ImageCount);
        Console.WriteLine($"{warehouse.Files.Count} images ({warehouse.Bytes / 1024 / 1024} MiB) in {warehouse.Folder}, made or found in {warehouse.Made.TotalSeconds:F1} s.");

        var (inference, model) = Bench.ReadSiloSettings(siloDll);
        await using var raw = RawTarget.Load(inference, model);
        var scratch = Path.Combine(Path.GetDirectoryName(warehouse.Folder)!, "jobs-output");
        Directory.CreateDirectory(scratch);
        var warmupFiles = warehouse.Files.Take(options.BatchSizes.Max()).ToArray();
        await RawPipeline.RunAsync(raw, warmupFiles, options.BatchSizes.Max(), cancellationToken: cancellationToken);

        // The silo reads and writes only under its storage roots: the warehouse's folder (the images, the warm-up manifest)
        // and the scratch output. With --stores the images are uploaded to both emulators first, and the silo reaches both.
        await using var stores = options.Stores ? await StoreJobBench.Stores.StartAsync(warehouse, cancellationToken) : null;
        Dictionary<string, string> settings = new(stores?.SiloSettings ?? new Dictionary<string, string>())
        {
            ["Argus__Storage__InputRoots__0"] = Path.GetDirectoryName(warehouse.Folder)!,
            ["Argus__Storage__OutputRoots__0"] = scratch,
        };
        await using var silo = await SiloProcess.StartAsync("jobs-0", settings, timeout: TimeSpan.FromMinutes(3), dll: siloDll);
        Console.WriteLine($"Silo {silo.Name} ready: PID {silo.Pid}, gateway {silo.GatewayPort}.");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var device = await Bench.GetDeviceAsync(http, silo, cancellationToken);
        await using var client = await ClientHost.StartAsync(o => o.GatewayPorts = [silo.GatewayPort], cancellationToken);
        var jobs = new JobRunner(client.Client, silo, http, scratch, DateTime.UtcNow.ToString("yyyyMMddTHHmmss", Invariant));

        // A first job over a manifest of a few files warms the job path (grain activations, the worker's code) as the
        // raw pipeline's first batches warmed its own.
        var manifest = Path.Combine(scratch, "warm-up.txt");
        await File.WriteAllLinesAsync(manifest, warmupFiles, cancellationToken);
        await jobs.RunAsync("warm-up", manifest, options.BatchSizes.Max(), warmupFiles, cancellationToken);

        string markdown, section;
        List<Run> runs;
        if (stores is not null)
        {
            runs = await StoreJobBench.MeasureAsync(options, stores, raw, jobs, warehouse, scratch, cancellationToken);
            (markdown, section) = (StoreJobBench.Markdown(options, warehouse, stores, device, raw.Target.Provider, runs, loadAtStart, Bench.LoadAverage()), StoreJobBench.Section);
        }
        else
        {
            runs = await MeasureBatchSizesAsync(options, raw, jobs, warehouse, cancellationToken);
            var plots = options.MarkdownPath is { } md ? Path.Combine(Path.GetDirectoryName(md)!, "plots") : scratch;
            Directory.CreateDirectory(plots);
            WritePlot(runs, model.Name, Path.Combine(plots, PlotFile));
            Console.WriteLine($"Plot: {Path.Combine(plots, PlotFile)}.");
            (markdown, section) = (Markdown(options, warehouse, device, raw.Target.Provider, runs, loadAtStart, Bench.LoadAverage()), "jobs");
        }

        Console.WriteLine(markdown);
        if (options.MarkdownPath is { } path)
        {
            var existing = File.Exists(path) ? await File.ReadAllTextAsync(path, CancellationToken.None) : "# Benchmarks\n";
            await File.WriteAllTextAsync(path, Report.ReplaceSection(existing, markdown, section), CancellationToken.None);
            Console.WriteLine($"Wrote {path}.");
        }

        return runs.Any(r => r.Failed > 0) ? 3 : 0;
    }

    /// <summary>
    /// Raw and job alternate at each batch size, and which goes first alternates too, so drifts in the machine's load hit
    /// both paths alike. The silo stays up, idle, while the raw pipeline runs.
    /// </summary>
    private static async Task<List<Run>> MeasureBatchSizesAsync(
        BenchOptions options, RawTarget raw, JobRunner jobs, Warehouse warehouse, CancellationToken cancellationToken)
    {
        List<Run> runs = [];
        foreach (var (batchSize, i) in options.BatchSizes.Select((b, i) => (b, i)))
        {
            Func<Task<Run>>[] order =
            [
                () => MeasureRawAsync(raw, warehouse.Files, batchSize, cancellationToken),
                () => jobs.RunAsync($"b{batchSize}", warehouse.Folder, batchSize, warehouse.Files, cancellationToken),
            ];
            foreach (var measure in i % 2 == 0 ? order : order.Reverse())
            {
                runs.Add(Print(await measure()));
            }
        }

        return runs;
    }

    /// <summary>The images under .cache/ (reruns find them there), one folder per count so a job over it takes exactly those.</summary>
    internal static Warehouse MakeWarehouse(int count)
    {
        var folder = Path.GetFullPath(Path.Combine(".cache", "image-warehouse", count.ToString(Invariant)));
        var started = Stopwatch.GetTimestamp();
        var files = ImageWarehouse.Create(folder, count);
        return new Warehouse(folder, files, files.Sum(f => new FileInfo(f).Length), Stopwatch.GetElapsedTime(started));
    }

    internal static async Task<Run> MeasureRawAsync(RawTarget raw, IReadOnlyList<string> files, int batchSize, CancellationToken cancellationToken)
    {
        var load = Bench.LoadAverage().Split(' ')[0];
        var cpu = ProcessCpu(Environment.ProcessId);
        var result = await RawPipeline.RunAsync(raw, files, batchSize, cancellationToken: cancellationToken);
        var used = ProcessCpu(Environment.ProcessId) - cpu;
        Console.WriteLine(string.Create(Invariant,
            $"    raw: {result.Batches} batches, preprocessing {result.PreprocessMs / 1000:F1} s (overlapped), session runs {result.ComputeMs / 1000:F1} s"));
        return new Run(RawPath, batchSize, result.Succeeded, result.Failed, result.Wall, used, used, load, batchSize,
            result.ComputeMs / 1000, result.PreprocessMs / 1000, result.ComputeMs / 1000);
    }

    /// <summary>CPU time (user and system) a process has used so far.</summary>
    internal static TimeSpan ProcessCpu(int pid)
    {
        using var process = Process.GetProcessById(pid);
        return process.TotalProcessorTime;
    }

    internal static Run Print(Run r)
    {
        Console.WriteLine(string.Create(Invariant,
            $"  batch {r.BatchSize,3}  {r.Path,-26} {r.Succeeded,6} images ({r.Failed} failed) in {r.Wall.TotalSeconds,7:F1} s  {r.ImagesPerSecond,6:F1}/s  "
            + $"CPU {r.CpuSecondsPer1000:F1} s per 1000 (this process {r.BenchCpuSecondsPer1000:F1})  device batch {r.DeviceBatch:F2}  "
            + $"model {r.ModelSeconds:F1} s, decode {r.DecodeSeconds:F1} s, idle {r.IdleSeconds:F1} s  load {r.Load}"));
        return r;
    }

    /// <summary>Submits jobs to the silo and measures them from submit to completed.</summary>
    internal sealed class JobRunner(IArgusClient client, SiloProcess silo, HttpClient http, string outputRoot, string runId)
    {
        /// <summary>A JSON lines job over a local <paramref name="input"/>, written to a local folder that is removed once checked.</summary>
        public Task<Run> RunAsync(string name, string input, int batchSize, IReadOnlyList<string> expected, CancellationToken cancellationToken) =>
            RunAsync(JobPath, name, new JobSpec { Input = input, Model = ModelName, Output = outputRoot, BatchSize = batchSize },
                status => OutputCheck.ReadFolderAsync(status.OutputFolder, expected, cancellationToken), cancellationToken);

        /// <summary>
        /// Runs <paramref name="spec"/> as job <c>warehouse-{run}-{name}</c>, timed from submit to <c>Completed</c>, and reads
        /// what it wrote with <paramref name="readOutput"/>: every expected item exactly once, or it throws. A local output
        /// folder is removed after.
        /// </summary>
        public async Task<Run> RunAsync(
            string path, string name, JobSpec spec, Func<JobStatus, Task<OutputCheck>> readOutput, CancellationToken cancellationToken)
        {
            var id = $"warehouse-{runId}-{name}";
            var batchSize = spec.BatchSize;
            var load = Bench.LoadAverage().Split(' ')[0];
            var before = await Bench.GetDeviceAsync(http, silo, cancellationToken);
            var timeBefore = await DeviceTime.ScrapeAsync(http, silo, cancellationToken);
            var (siloCpu, benchCpu) = (ProcessCpu(silo.Pid), ProcessCpu(Environment.ProcessId));
            var started = Stopwatch.GetTimestamp();
            var status = await client.SubmitJobAsync(id, spec);
            try
            {
                while (!status.IsFinished)
                {
                    await Task.Delay(Poll, cancellationToken);
                    status = await client.GetJobAsync(id);
                }
            }
            catch (OperationCanceledException)
            {
                await client.CancelJobAsync(id);
                throw;
            }

            var wall = Stopwatch.GetElapsedTime(started);
            var (siloUsed, benchUsed) = (ProcessCpu(silo.Pid) - siloCpu, ProcessCpu(Environment.ProcessId) - benchCpu);
            var after = await Bench.GetDeviceAsync(http, silo, cancellationToken);
            var time = await DeviceTime.ScrapeAsync(http, silo, cancellationToken) - timeBefore;
            if (status.State != JobState.Completed)
            {
                throw new InvalidOperationException($"Job {status.Id} ended {status.State}: {status.Error}");
            }

            var check = await readOutput(status);
            Console.WriteLine($"    job {status.Id}: {check}; silo-side {(status.FinishedAt - status.SubmittedAt)?.TotalSeconds:F1} s");
            if (!check.ExactlyOnce || check.Results != status.ItemsSucceeded)
            {
                throw new InvalidOperationException($"Job {status.Id} wrote {check}, reported {status.ItemsSucceeded} succeeded and {status.ItemsFailed} failed.");
            }

            if (Directory.Exists(status.OutputFolder))
            {
                Directory.Delete(status.OutputFolder, recursive: true);
            }

            var batches = after.BatchesRun - before.BatchesRun;
            double? deviceBatch = batches == 0 ? null : (double)(after.ItemsRun - before.ItemsRun) / batches;
            var decode = time.BusySeconds * time.DecodeShare;
            return new Run(path, batchSize, status.ItemsSucceeded, status.ItemsFailed, wall, siloUsed + benchUsed, benchUsed, load, deviceBatch,
                time.BusySeconds - decode, decode, time.BusySeconds, check);
        }
    }

    /// <summary>
    /// The silo's device time from its <c>/metrics</c>: busy time (preparing and running batches), and the sums of the batch
    /// lane's per-item preprocess and compute durations, which split it (each item records its batch's times, so the split
    /// is weighted by batch size).
    /// </summary>
    private sealed record DeviceTime(double BusySeconds, double PreprocessSum, double ComputeSum)
    {
        /// <summary>The share of busy time spent decoding and preprocessing.</summary>
        public double DecodeShare => PreprocessSum + ComputeSum > 0 ? PreprocessSum / (PreprocessSum + ComputeSum) : 0;

        public static async Task<DeviceTime> ScrapeAsync(HttpClient http, SiloProcess silo, CancellationToken cancellationToken)
        {
            var samples = PrometheusText.Parse(await http.GetStringAsync(new Uri(silo.BaseAddress, "metrics"), cancellationToken));
            double Sum(string name) => samples.Where(s => s.Name == name && (!s.Labels.ContainsKey("lane") || s.Has(("lane", "batch")))).Sum(s => s.Value);
            return new DeviceTime(
                Sum("argus_device_busy_time_seconds_total"),
                Sum("argus_inference_preprocess_duration_seconds_sum"),
                Sum("argus_inference_compute_duration_seconds_sum"));
        }

        public static DeviceTime operator -(DeviceTime a, DeviceTime b) =>
            new(a.BusySeconds - b.BusySeconds, a.PreprocessSum - b.PreprocessSum, a.ComputeSum - b.ComputeSum);
    }

    private static void WritePlot(IReadOnlyList<Run> runs, string model, string path)
    {
        var plot = new Plot();
        var sizes = runs.Select(r => r.BatchSize).Distinct().Order().ToArray();
        foreach (var series in new[] { RawPath, JobPath })
        {
            var points = runs.Where(r => r.Path == series).OrderBy(r => r.BatchSize).ToArray();
            var line = plot.Add.Scatter(points.Select(r => Math.Log2(r.BatchSize)).ToArray(), points.Select(r => r.ImagesPerSecond).ToArray());
            line.LegendText = series;
        }

        plot.Axes.Bottom.SetTicks([.. sizes.Select(s => Math.Log2(s))], [.. sizes.Select(s => s.ToString(Invariant))]);
        plot.Title($"Batch image warehouse: {runs.Where(r => r.Path == RawPath).Max(r => r.Succeeded + r.Failed)} files through {model}, "
            + $"{Environment.ProcessorCount} CPU cores");
        plot.XLabel("Batch size");
        plot.YLabel("images/s");
        plot.Axes.SetLimitsY(0, runs.Max(r => r.ImagesPerSecond) * 1.15);
        plot.ShowLegend(Alignment.LowerRight);
        PlotReport.Save(plot, path);
    }

    private static string Markdown(
        BenchOptions options, Warehouse warehouse, SiloDevice device, string rawProvider, IReadOnlyList<Run> runs, string loadAtStart, string loadAtEnd)
    {
        var md = new StringBuilder();
        var n = warehouse.Files.Count;
        md.AppendLine("## Batch jobs: the image warehouse against the raw ONNX Runtime pipeline").AppendLine();
        md.AppendLine("Written by `bench/Argus.Bench`; rerun the command below rather than editing by hand.").AppendLine();
        md.AppendLine(Invariant, $"Command: `{options.Command}` (a quick check: `scripts/bench.sh --jobs --images 500`).");
        md.AppendLine(Invariant, $"Taken {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores ({Report.CpuModel()}), no GPU: the silo's device");
        md.AppendLine(Invariant, $"`{device.Key}` ran {device.ExecutionProvider}, the raw pipeline {rawProvider}. Load average (1, 5, 15 min) at start {loadAtStart},");
        md.AppendLine(Invariant, $"at the end {loadAtEnd}; each row's 1-minute load at its start is in the table.").AppendLine();
        md.AppendLine(Invariant, $"The images: {n} distinct files ({warehouse.Bytes / 1024.0 / 1024.0:F0} MiB; JPEG, every tenth PNG) made by");
        md.AppendLine("`Argus.Testing.ImageWarehouse.Create` from the photos of Debian's opencv-doc (crops of 40–100 % of each side, flips,");
        md.AppendLine(Invariant, $"rotations, rescales of 0.5–1.5), kept under `.cache/image-warehouse/{n}` for reruns. At each batch size, alternately:").AppendLine();
        md.AppendLine("- **raw ONNX Runtime pipeline**, in the bench process (`RawPipeline`): one warm session loaded as the silo loads it");
        md.AppendLine("  (`RawTarget`, the silo's session options), batches of the batch size; while one batch runs, the next two are read,");
        md.AppendLine("  decoded and preprocessed in parallel on the thread pool. Outputs are checked and dropped, not written.");
        md.AppendLine("- **batch job**: one silo process (default configuration) runs a job over the folder (`IArgusClient.SubmitJobAsync`)");
        md.AppendLine("  with that `BatchSize` (other settings default) and a fresh output folder, submitted by the SDK in the bench");
        md.AppendLine("  process, which polls `GetJobAsync` every 50 ms; timed from submit to `Completed`. Its part files are then read:");
        md.AppendLine("  every file has exactly one output line.").AppendLine();
        md.AppendLine("CPU s per 1000 images: CPU time (user and system) of the processes of the path over the run, per 1000 files: the bench");
        md.AppendLine("process for the raw pipeline; the silo plus the bench process (its client and polling, in brackets) for the job.");
        md.AppendLine("Device batch: items per batch the silo's device ran, from its counters.").AppendLine();
        md.AppendLine("| Batch size | Path | Images | Failed | Wall s | Images/s | × raw | CPU s per 1000 images | Device batch | Load (1 min) |");
        md.AppendLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in runs)
        {
            var share = Share(runs, r);
            var cpu = r.Path == JobPath ? $"{r.CpuSecondsPer1000:F1} ({r.BenchCpuSecondsPer1000:F1})" : $"{r.CpuSecondsPer1000:F1}";
            md.AppendLine(Invariant,
                $"| {r.BatchSize} | {r.Path} | {r.Succeeded} | {r.Failed} | {r.Wall.TotalSeconds:F1} | {r.ImagesPerSecond:F1} | {share:F3} | {cpu} | {r.DeviceBatch:F2} | {r.Load} |");
        }

        md.AppendLine().AppendLine("Where the time goes. Model runs: the session's batch runs. Decode: decoding and preprocessing the images; for the job");
        md.AppendLine("the device does it on its own path before each batch runs (CPU devices decode there; the worker reads the files), for the");
        md.AppendLine("raw pipeline thread-pool workers read, decode and preprocess while the session runs (it overlaps, summed over batches).");
        md.AppendLine("Idle: wall time when the model's path was not busy");
        md.AppendLine("(for the job, the device's `argus_device_busy_time_seconds_total` against the wall time; the device's busy time is split");
        md.AppendLine("by the batch lane's per-item preprocess and compute duration sums from `/metrics`, which weight each batch by its size).").AppendLine();
        md.AppendLine("| Batch size | Path | Wall s | Model runs s | Decode s | Idle s | CPU s per 1000 images |");
        md.AppendLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in runs)
        {
            var decode = r.Path == JobPath ? $"{r.DecodeSeconds:F1}" : $"{r.DecodeSeconds:F1} (overlapped)";
            md.AppendLine(Invariant,
                $"| {r.BatchSize} | {r.Path} | {r.Wall.TotalSeconds:F1} | {r.ModelSeconds:F1} | {decode} | {r.IdleSeconds:F1} | {r.CpuSecondsPer1000:F1} |");
        }

        md.AppendLine().AppendLine(Invariant, $"Target: the job reaches at least {Target:G} of the raw pipeline's images/s at every batch size.").AppendLine();
        md.AppendLine("| Batch size | Job ÷ raw images/s | |");
        md.AppendLine("| ---: | ---: | --- |");
        foreach (var job in runs.Where(r => r.Path == JobPath))
        {
            var share = Share(runs, job);
            md.AppendLine(Invariant, $"| {job.BatchSize} | {share:F3} | {Report.Verdict(share >= Target)} |");
        }

        md.AppendLine().AppendLine(Invariant, $"![throughput against batch size](plots/{PlotFile})");
        return md.ToString();
    }

    /// <summary>A run's images/s over the raw pipeline's at the same batch size.</summary>
    private static double Share(IReadOnlyList<Run> runs, Run run) =>
        run.ImagesPerSecond / runs.First(r => r.Path == RawPath && r.BatchSize == run.BatchSize).ImagesPerSecond;
}
