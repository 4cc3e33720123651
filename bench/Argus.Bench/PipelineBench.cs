using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Argus.Cameras;
using Argus.Client;
using Argus.Errors;
using Argus.Inference.Models;
using Argus.Inference.Statistics;
using Argus.LoadTesting.Reports;
using Argus.LoadTesting.Targets;
using Argus.Pipelines;
using Argus.Testing;
using ScottPlot;

namespace Argus.Bench;

/// <summary>
/// The hybrid pipeline on one silo with the real moderation models on this machine's CPU: uploads at a steady rate through
/// the SDK's <c>SubmitAsync</c> (the fast tier answers each at once, the heavy tier decides every item later in the batch
/// lane) while a camera analyses vtest.avi at 5 fps, first through a pipeline with no heavy work, then through one that
/// sends every item to it. Reports the fast tier's p50/p95 against the pipeline's target, the final lag's p50/p95 against
/// its deadline, the heavy tier's images/s in a burst against raw ONNX Runtime for the heavy model in this process, and
/// the camera's p95 without and with the heavy work. Written to the <c>pipeline</c> section.
/// </summary>
internal static class PipelineBench
{
    /// <summary>The upload window unless <c>--seconds</c> or <c>--quick</c> says otherwise.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(3);

    /// <summary>The upload window of <c>--quick</c>.</summary>
    public static readonly TimeSpan QuickWindow = TimeSpan.FromSeconds(30);

    /// <summary>Uploads per second unless <c>--rate</c> says otherwise.</summary>
    public const double DefaultRate = 4;

    private const string Pipeline = "bench-moderation";
    private const string FastOnly = "bench-fast-only";
    private const string HeavyModel = "moderation-heavy";

    /// <summary>Images of the raw baseline, and of the burst that measures the heavy tier's capacity.</summary>
    private const int CapacityImages = 48;

    /// <summary>Submits in flight during the burst: enough to keep the heavy tier's queue full, few enough for the fast tier.</summary>
    private const int BurstSenders = 4;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Every item goes to the heavy tier, so its rate is the pipeline's upload rate.</summary>
    private static readonly PipelineSpec Spec = new()
    {
        FastModel = "moderation-fast",
        FastRule = new DecisionRule
        {
            Block = new Dictionary<string, double> { ["Porn"] = 0.9 },
            Review = new Dictionary<string, double> { ["Porn"] = 0.4, ["Sexy"] = 0.6 },
        },
        HeavyModel = HeavyModel,
        HeavyRule = new DecisionRule
        {
            Block = new Dictionary<string, double> { ["Porn"] = 0.7 },
            Review = new Dictionary<string, double> { ["Porn"] = 0.3 },
        },
        HeavyItems = HeavyItems.All,
        DeadlineS = 600,
        FastP95Ms = 300,
    };

    /// <summary>The same fast tier with no heavy work: nothing is sent to review, and no sample of the rest.</summary>
    private static readonly PipelineSpec FastOnlySpec = Spec with
    {
        FastRule = Spec.FastRule with { Review = new Dictionary<string, double>() },
        HeavyItems = HeavyItems.Review,
        HeavySample = 0,
    };

    /// <summary>One upload as the caller saw it: when it was sent (seconds into the window) and how long the fast tier took.</summary>
    private sealed record Upload(string Item, double AtSeconds, double LatencyMs, string? Error);

    /// <summary>One phase: uploads through a pipeline beside a new camera (null: none ran), and the items as stored once final.</summary>
    private sealed record Phase(string Name, IReadOnlyList<Upload> Uploads, CameraStats? Camera, IReadOnlyList<PipelineItem> Items, int PendingAtEnd, int NotFinal)
    {
        public double[] FastMs => [.. Uploads.Where(u => u.Error is null).Select(u => u.LatencyMs).Order()];

        public double[] SiloFastMs => [.. Items.Where(i => i.Provisional is not null).Select(i => (i.Provisional!.FinishedAt - i.Provisional.StartedAt).TotalMilliseconds).Order()];

        public IReadOnlyList<PipelineItem> Heavy => [.. Items.Where(i => i.Final?.Model == HeavyModel)];

        public double[] LagS => [.. Heavy.Select(i => (i.Final!.FinishedAt - i.SubmittedAt).TotalSeconds).Order()];

        /// <summary>Heavy finals over the span from the first heavy call's start to the last one's end.</summary>
        public double HeavyRate => Heavy.Count < 2 ? 0 : Heavy.Count / (Heavy.Max(i => i.Final!.FinishedAt) - Heavy.Min(i => i.Final!.StartedAt)).TotalSeconds;

        public string Refused => string.Join(", ", Uploads.Where(u => u.Error is not null).GroupBy(u => u.Error!).Select(g => string.Create(Invariant, $"{g.Count()} {g.Key}")));
    }

    /// <summary>What the run measured: without and with the heavy tier's work, the burst, and the raw baseline.</summary>
    private sealed record Outcome(
        Phase Without, Phase With, Phase Burst, (double Before, double After) Raw, int RawBatch, (string Before, string After) Load)
    {
        public double RawRate => (Raw.Before + Raw.After) / 2;
    }

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var siloDll = options.SiloDll ?? Bench.FindSiloDll();
        var scratch = Directory.CreateTempSubdirectory("argus-pipeline-bench-");
        try
        {
            var loadBefore = AutoscaleBench.LoadAverage();
            var (inference, heavy) = SiloSettings.Read(Path.Combine(Path.GetDirectoryName(siloDll)!, "appsettings.json"), HeavyModel);
            var rawBatch = heavy.Batching.MaxBatchSize;
            ImageSet images;
            // The photos the heavy model can read, as the silo would check them.
            await using (var raw = RawTarget.Load(inference, heavy))
            {
                images = Bench.LoadImages(options.ImagesDir, raw.Check);
            }

            string[] files = [.. images.All.Select((image, i) =>
            {
                var path = Path.Combine(scratch.FullName, $"{i:D3}{Path.GetExtension(image.Name)}");
                File.WriteAllBytes(path, image.Data);
                return path;
            })];
            var rawBefore = await RawRateAsync(inference, heavy, files, cancellationToken);
            var frames = CameraBench.Frames(Path.Combine(options.ImagesDir, CameraBench.Video), count: 100);

            await using var silo = await SiloProcess.StartAsync("pipeline-0", new Dictionary<string, string>(), TimeSpan.FromMinutes(3), siloDll);
            await using var host = await ClientHost.StartAsync(o =>
            {
                o.GatewayPorts = [silo.GatewayPort];
                o.Api = silo.BaseAddress;
            }, cancellationToken);
            var client = host.Client;
            await client.PutPipelineAsync(Pipeline, Spec, cancellationToken);
            await client.PutPipelineAsync(FastOnly, FastOnlySpec, cancellationToken);
            await WarmUpAsync(client, images, options.Warmup, cancellationToken);

            Console.WriteLine(string.Create(Invariant, $"without heavy work: {options.Rate:G} uploads/s for {options.Window.TotalSeconds:G} s through {FastOnly} beside a camera"));
            var without = await PhaseAsync(client, "without", FastOnly, images, frames, options, cancellationToken);
            Console.WriteLine(string.Create(Invariant, $"with heavy work: {options.Rate:G} uploads/s for {options.Window.TotalSeconds:G} s through {Pipeline} beside a camera"));
            var with = await PhaseAsync(client, "with", Pipeline, images, frames, options, cancellationToken);
            Console.WriteLine($"burst: {CapacityImages} uploads, {BurstSenders} at a time, for the heavy tier's capacity");
            var burst = await BurstAsync(client, images, cancellationToken);

            // Again with the silo idle, as the machine's other work drifts: the heavy tier is set against both.
            var rawAfter = await RawRateAsync(inference, heavy, files, cancellationToken);
            var outcome = new Outcome(without, with, burst, (rawBefore, rawAfter), rawBatch, (loadBefore, AutoscaleBench.LoadAverage()));
            var plots = options.MarkdownPath is { } md ? Path.Combine(Path.GetDirectoryName(md)!, "plots") : scratch.FullName;
            Directory.CreateDirectory(plots);
            var plotPath = Path.Combine(plots, "pipeline-timeline.png");
            Plot(outcome, options, plotPath);
            var markdown = Markdown(options, images, outcome);
            Console.WriteLine(markdown);
            if (options.MarkdownPath is { } path)
            {
                var existing = File.Exists(path) ? await File.ReadAllTextAsync(path, CancellationToken.None) : "# Benchmarks\n";
                await File.WriteAllTextAsync(path, Report.ReplaceSection(existing, markdown, "pipeline"), CancellationToken.None);
                Console.WriteLine($"Wrote {path} and {plotPath}.");
            }

            return new[] { without, with, burst }.All(p => p.Uploads.All(u => u.Error is null) && p.NotFinal == 0) ? 0 : 1;
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The heavy model's raw ONNX Runtime rate in this process, loaded as the silo loads it: <see cref="CapacityImages"/> of
    /// <paramref name="files"/> in batches of its <c>MaxBatchSize</c>, after a warm-up of two batches.
    /// </summary>
    private static async Task<double> RawRateAsync(InferenceOptions inference, ModelOptions heavy, string[] files, CancellationToken cancellationToken)
    {
        await using var raw = RawTarget.Load(inference, heavy);
        var batch = heavy.Batching.MaxBatchSize;
        string[] run = [.. Enumerable.Range(0, CapacityImages).Select(i => files[i % files.Length])];
        await RawPipeline.RunAsync(raw, run[..(2 * batch)], batch, cancellationToken: cancellationToken);
        var result = await RawPipeline.RunAsync(raw, run, batch, cancellationToken: cancellationToken);
        var rate = result.Succeeded / result.Wall.TotalSeconds;
        Console.WriteLine(string.Create(Invariant, $"raw {HeavyModel}: {rate:F2} images/s at batch {batch} over {CapacityImages} images."));
        return rate;
    }

    /// <summary>Uploads one after another for <paramref name="warmup"/>, then waits for their finals: both tiers are warm and idle.</summary>
    private static async Task WarmUpAsync(IArgusClient client, ImageSet images, TimeSpan warmup, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        List<string> ids = [];
        do
        {
            var id = $"warm-{ids.Count}";
            await client.SubmitAsync(Pipeline, images.All[ids.Count % images.All.Count].Data, id, cancellationToken);
            ids.Add(id);
        }
        while (clock.Elapsed < warmup);

        foreach (var id in ids)
        {
            while ((await client.GetItemAsync(Pipeline, id, cancellationToken)).State == PipelineItemState.Pending)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }

    /// <summary>
    /// A new camera, warmed up, then uploads to <paramref name="pipeline"/> sent at a steady rate (each on its own,
    /// whatever the previous one's latency) for the window; the camera's statistics at the window's end; then the items
    /// once final.
    /// </summary>
    private static async Task<Phase> PhaseAsync(
        IArgusClient client, string name, string pipeline, ImageSet images, IReadOnlyList<byte[]> frames, BenchOptions options, CancellationToken cancellationToken)
    {
        var camera = $"pipeline-bench-{name}";
        await client.ConfigureCameraAsync(camera, CameraBench.Config);
        IReadOnlyList<Upload> uploads;
        CameraStats stats;
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var feeder = CameraBench.FeedAsync(client, camera, frames, TimeSpan.Zero, stop.Token);
            await Task.Delay(options.Warmup, cancellationToken);

            var sent = new ConcurrentQueue<Upload>();
            List<Task> submits = [];
            var clock = Stopwatch.StartNew();
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / options.Rate));
            do
            {
                var n = submits.Count;
                submits.Add(SubmitAsync(client, pipeline, $"{name}-{n:D6}", images.All[n % images.All.Count].Data, clock, sent, cancellationToken));
            }
            while (clock.Elapsed < options.Window && await timer.WaitForNextTickAsync(cancellationToken));

            await Task.WhenAll(submits);
            stats = await client.GetCameraStatsAsync(camera);
            await stop.CancelAsync();
            await feeder;
            uploads = [.. sent.OrderBy(u => u.AtSeconds)];
        }
        finally
        {
            await client.RemoveCameraAsync(camera);
        }

        var (items, notFinal, pendingAtEnd) = await DrainAsync(client, pipeline, uploads, cancellationToken);
        return new Phase(name, uploads, stats, items, pendingAtEnd, notFinal);
    }

    /// <summary>
    /// The heavy tier's capacity: uploads sent <see cref="BurstSenders"/> at a time, faster than the heavy tier can take
    /// them, so its queue is never empty until the last; then the items once final.
    /// </summary>
    private static async Task<Phase> BurstAsync(IArgusClient client, ImageSet images, CancellationToken cancellationToken)
    {
        var sent = new ConcurrentQueue<Upload>();
        var clock = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, BurstSenders).Select(async _ =>
        {
            for (var n = Interlocked.Increment(ref next); n < CapacityImages; n = Interlocked.Increment(ref next))
            {
                await SubmitAsync(client, Pipeline, $"burst-{n:D6}", images.All[n % images.All.Count].Data, clock, sent, cancellationToken);
            }
        }));
        IReadOnlyList<Upload> uploads = [.. sent.OrderBy(u => u.AtSeconds)];
        var (items, notFinal, pendingAtEnd) = await DrainAsync(client, Pipeline, uploads, cancellationToken);
        return new Phase("burst", uploads, null, items, pendingAtEnd, notFinal);
    }

    private static async Task SubmitAsync(
        IArgusClient client, string pipeline, string item, byte[] image, Stopwatch clock, ConcurrentQueue<Upload> uploads, CancellationToken cancellationToken)
    {
        var at = clock.Elapsed;
        try
        {
            await client.SubmitAsync(pipeline, image, item, cancellationToken);
            uploads.Enqueue(new Upload(item, at.TotalSeconds, (clock.Elapsed - at).TotalMilliseconds, null));
        }
        catch (ArgusException e)
        {
            uploads.Enqueue(new Upload(item, at.TotalSeconds, (clock.Elapsed - at).TotalMilliseconds, e.GetType().Name));
        }
    }

    /// <summary>
    /// Reads every answered upload's item until each is final or failed, or the pipeline's deadline has passed since the
    /// window's end: the items as stored, how many never became final, and how many were pending when the window ended.
    /// </summary>
    private static async Task<(IReadOnlyList<PipelineItem> Items, int NotFinal, int PendingAtEnd)> DrainAsync(
        IArgusClient client, string pipeline, IReadOnlyList<Upload> uploads, CancellationToken cancellationToken)
    {
        var pending = new List<string>(uploads.Where(u => u.Error is null).Select(u => u.Item));
        List<PipelineItem> done = [];
        int? pendingAtEnd = null;
        var deadline = Stopwatch.StartNew();
        while (pending.Count > 0 && deadline.Elapsed < TimeSpan.FromSeconds(Spec.DeadlineS))
        {
            // The heavy tier works roughly in submit order: a sweep stops at a run of pending items rather than reading all.
            List<string> still = [];
            var run = 0;
            foreach (var id in pending)
            {
                if (run >= 20)
                {
                    still.Add(id);
                    continue;
                }

                var item = await client.GetItemAsync(pipeline, id, cancellationToken);
                if (item.State == PipelineItemState.Pending)
                {
                    still.Add(id);
                    run++;
                }
                else
                {
                    done.Add(item);
                }
            }

            pendingAtEnd ??= still.Count;
            pending = still;
            if (pending.Count > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }

        return (done, pending.Count, pendingAtEnd ?? 0);
    }

    /// <summary>Each upload's fast-tier latency in both phases, and each item's final lag, by when it was sent.</summary>
    private static void Plot(Outcome o, BenchOptions options, string path)
    {
        var plot = new Plot();
        foreach (var phase in new[] { o.Without, o.With })
        {
            var answered = phase.Uploads.Where(u => u.Error is null).ToArray();
            var fast = plot.Add.ScatterPoints(answered.Select(u => u.AtSeconds).ToArray(), answered.Select(u => u.LatencyMs).ToArray());
            fast.LegendText = $"fast tier round trip, ms ({phase.Name} heavy work)";
            fast.MarkerSize = 3;
        }

        var target = plot.Add.HorizontalLine(Spec.FastP95Ms);
        target.Text = "fast p95 target";
        target.LinePattern = LinePattern.Dotted;

        var sentAt = o.With.Uploads.ToDictionary(u => u.Item, u => u.AtSeconds);
        var heavy = o.With.Heavy.Where(i => sentAt.ContainsKey(i.Id)).ToArray();
        var lag = plot.Add.ScatterPoints(heavy.Select(i => sentAt[i.Id]).ToArray(), heavy.Select(i => (i.Final!.FinishedAt - i.SubmittedAt).TotalSeconds).ToArray());
        lag.LegendText = "final lag (submit to heavy result), s";
        lag.MarkerSize = 3;
        lag.Axes.YAxis = plot.Axes.Right;

        plot.Title(string.Create(Invariant, $"Pipeline on the CPU: {options.Rate:G} uploads/s for {options.Window.TotalSeconds:G} s beside a 5 fps camera (shared machine)"));
        plot.XLabel("Seconds into the phase's upload window (when the upload was sent)");
        plot.Axes.Left.Label.Text = "Fast tier, ms";
        plot.Axes.Right.Label.Text = "Final lag, s";
        plot.ShowLegend(Alignment.UpperLeft);
        PlotReport.Save(plot, path);
    }

    private static string Markdown(BenchOptions options, ImageSet images, Outcome o)
    {
        static string P(double[] sorted, double p, string format) => sorted.Length == 0 ? "-" : Percentiles.NearestRank(sorted, p).ToString(format, Invariant);
        static string Met(bool met) => met ? "yes" : "**no**";
        static string Fast(Phase p) => $"{P(p.FastMs, 50, "F0")} / {P(p.FastMs, 95, "F0")} ms (model call {P(p.SiloFastMs, 50, "F0")} / {P(p.SiloFastMs, 95, "F0")})";
        static bool FastMet(Phase p) => p.FastMs.Length > 0 && Percentiles.NearestRank(p.FastMs, 95) <= Spec.FastP95Ms;
        static string Camera(CameraStats c) => string.Create(Invariant, $"{(c.Analysed > 0 ? $"{c.P95Ms:F0} ms" : "none analysed")} ({c.Analysed} / {c.Dropped + c.Skipped} / {c.Failed})");
        static bool Holds(CameraStats c) => c.Analysed > 0 && c.P95Ms <= CameraBench.TargetMs;
        var (without, with, burst) = (o.Without, o.With, o.Burst);
        var (cameraWithout, cameraWith) = (without.Camera!, with.Camera!);
        var lag = with.LagS;
        var md = new StringBuilder();
        md.AppendLine("## Hybrid pipeline: uploads through both tiers beside a camera, one silo, moderation models on the CPU").AppendLine();
        md.AppendLine(Invariant, $"Regenerate with `{options.Command}` (`--quick`: 30 s phases; `--rate N`, `--seconds N`). Taken {DateTime.UtcNow:yyyy-MM-dd} on");
        md.AppendLine(Invariant, $"{Environment.ProcessorCount} cores ({Report.CpuModel()}), the bench, the silo and its models on this one machine, which **other");
        md.AppendLine(Invariant, $"work shared**: its load average (1, 5, 15 min) was {o.Load.Before} before the run and {o.Load.After} after it, so every");
        md.AppendLine("latency here carries that contention; rerun on a quiet machine before reading much into the tails.").AppendLine();
        md.AppendLine(Invariant, $"One silo with its default models. Pipeline `{Pipeline}`: fast tier `moderation-fast` (MobileNetV2 224, interactive lane),");
        md.AppendLine(Invariant, $"heavy tier `{HeavyModel}` (InceptionV3 299, batch lane) for **every** item, deadline {Spec.DeadlineS:G} s, fast p95 target");
        md.AppendLine(Invariant, $"{Spec.FastP95Ms:G} ms; `{FastOnly}`: the same fast tier sending nothing to the heavy one. The SDK submits {images.All.Count} photos from");
        md.AppendLine(Invariant, $"`{options.ImagesDir}` in turn over HTTP (`POST /v1/pipelines/{{id}}/items`) at a steady {options.Rate:G} uploads/s, each sent on its");
        md.AppendLine(Invariant, $"schedule, for {options.Window.TotalSeconds:G} s per phase, after {options.Warmup.TotalSeconds:G} s of warm-up uploads whose finals were awaited. Two phases in one run, each");
        md.AppendLine(Invariant, $"with a new camera pushing {CameraBench.Video} at {CameraBench.Fps:G} fps through the SDK (ResNet18, scene-change rule, deadline {CameraBench.TargetMs:G} ms, warmed");
        md.AppendLine(Invariant, $"up {options.Warmup.TotalSeconds:G} s): **without** heavy work (uploads to `{FastOnly}`), then **with** it (uploads to `{Pipeline}`). The camera's");
        md.AppendLine("p95 is what it reports over its last 512 frames at the phase's end (capture to result); the final lag is read from");
        md.AppendLine("each item (`GET …/items/{item}`: the heavy result's end minus submit). The heavy tier's capacity comes from a burst at");
        md.AppendLine(Invariant, $"the end, {CapacityImages} uploads {BurstSenders} at a time (faster than it drains them): its finals over the span from the first heavy call to");
        md.AppendLine(Invariant, $"the last. The raw baseline is the heavy model's ONNX Runtime session in the bench process, loaded as the silo loads it");
        md.AppendLine(Invariant, $"(`RawTarget`), the same {CapacityImages} photos in batches of {o.RawBatch} (the model's `MaxBatchSize`), decoded ahead in parallel");
        md.AppendLine("(`RawPipeline`), measured before the silo started and again after the burst (the silo idle); the heavy tier is set");
        md.AppendLine("against their mean.").AppendLine();
        md.AppendLine("| Measure | Target | Without heavy work | With heavy work | Met (with) |");
        md.AppendLine("| --- | --- | --- | --- | --- |");
        md.AppendLine(Invariant, $"| Fast tier p50 / p95, submit round trip (SDK over HTTP) | p95 ≤ {Spec.FastP95Ms:G} ms | {Fast(without)} | {Fast(with)} | {Met(FastMet(with))} |");
        md.AppendLine(Invariant, $"| Camera p95 (frames analysed / dropped or skipped / failed) | ≤ {CameraBench.TargetMs:G} ms | {Camera(cameraWithout)} | {Camera(cameraWith)} | {Met(Holds(cameraWith))} |");
        md.AppendLine(Invariant, $"| Final lag p50 / p95 | ≤ {Spec.DeadlineS:G} s | - | {P(lag, 50, "F1")} / {P(lag, 95, "F1")} s ({lag.Length} heavy finals, {with.PendingAtEnd} pending at the window's end) | {Met(lag.Length > 0 && with.NotFinal == 0 && Percentiles.NearestRank(lag, 95) <= Spec.DeadlineS)} |");
        md.AppendLine(Invariant, $"| Heavy tier images/s | raw ONNX Runtime {o.RawRate:F2}/s ({o.Raw.Before:F2} before, {o.Raw.After:F2} after) | - | burst {burst.HeavyRate:F2}/s ({burst.HeavyRate / o.RawRate:P0} of raw); during the uploads {with.HeavyRate:F2}/s | |");
        md.AppendLine();
        var refused = string.Join("; ", new[] { without, with, burst }.Where(p => p.Refused.Length > 0).Select(p => $"{p.Name}: {p.Refused}"));
        md.AppendLine(Invariant, $"Uploads answered: without {without.FastMs.Length} of {without.Uploads.Count}, with {with.FastMs.Length} of {with.Uploads.Count}, burst {burst.FastMs.Length} of {burst.Uploads.Count}{(refused.Length > 0 ? $" (refused or failed: {refused})" : "")};");
        md.AppendLine(Invariant, $"items not final {Spec.DeadlineS:G} s after their phase: {without.NotFinal + with.NotFinal + burst.NotFinal}. During the uploads the heavy tier's rate is the upload rate");
        md.AppendLine("whenever it keeps up; the burst is what it can do. The fast tier and the camera share the interactive lane and");
        md.AppendLine("the same two cores, so the phase without heavy work already carries the uploads' own cost; the difference between");
        md.AppendLine("the two columns is the heavy tier's. A camera frame that fails was refused by the device because it could not be");
        md.AppendLine("analysed within its 200 ms deadline (or its analysis failed): the camera goes on with newer frames.");
        md.AppendLine().AppendLine("![Fast-tier latency in both phases and final lag per upload](plots/pipeline-timeline.png)");
        return md.ToString();
    }
}
