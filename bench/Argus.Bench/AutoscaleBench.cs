using System.Diagnostics;
using System.Globalization;
using System.Text;
using Argus.Inference.Simulation;
using Argus.LoadTesting.Load;
using Argus.LoadTesting.Reports;
using Argus.LoadTesting.Targets;
using Argus.LocalCluster;
using Argus.Testing;
using ScottPlot;

namespace Argus.Bench;

/// <summary>
/// The autoscaling loop closed on this machine: <see cref="LocalAutoscaler"/> (what <c>argus autoscale dev</c> runs)
/// starts and drains silo processes with two simulated textbook GPUs each on a real Redis, as the cluster's autoscaler
/// asks, while an open loop offers 100, 600, 300 and then 50 images/s through the SDK. Every second: the offered load,
/// the cluster's queue depth and in-flight items, the desired and the running silos. Per phase: what became of every
/// image. Written to the <c>autoscale</c> section with a timeline plot.
/// </summary>
internal static class AutoscaleBench
{
    private const string ModelName = "resnet18";
    private const int DevicesPerSilo = 2;
    private const int MaxSilos = 6;
    private const double DownscaleDelaySeconds = 30;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly Phase[] Phases =
    [
        new(100, TimeSpan.FromSeconds(30)),
        new(600, TimeSpan.FromSeconds(60)),
        new(300, TimeSpan.FromSeconds(75)),
        new(50, TimeSpan.FromSeconds(75)),
    ];

    /// <summary>One step of the offered load: Poisson arrivals of one image each at <paramref name="Rate"/> per second.</summary>
    private sealed record Phase(double Rate, TimeSpan Duration);

    /// <summary>The cluster at one second of the run.</summary>
    private sealed record Sample(double Seconds, double Offered, int QueueDepth, double InFlight, int Desired, int Running, int Starting, int Stopping);

    /// <summary>A phase as measured: every image of it, and the silos at its end.</summary>
    private sealed record PhaseResult(Phase Phase, double StartSeconds, WindowStats Stats, int Desired, int Running);

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var siloDll = options.SiloDll ?? Bench.FindSiloDll();
        var scratch = Directory.CreateTempSubdirectory("argus-autoscale-");
        try
        {
            var images = ServingBench.SmallImages(options.ImagesDir, scratch.FullName);
            var loadBefore = LoadAverage();
            await using var redis = await RedisServer.StartAsync();
            var clock = Stopwatch.StartNew();
            List<string> events = [];
            var autoscaler = new LocalAutoscaler(new LocalAutoscalerOptions
            {
                SiloDll = siloDll,
                Redis = redis.ConnectionString,
                MinSilos = 1,
                MaxSilos = MaxSilos,
                SimDevices = DevicesPerSilo,
                SimProfile = LatencyProfile.TextbookName,
                NamePrefix = "auto",
                StartTimeout = TimeSpan.FromMinutes(3),
                Settings = new Dictionary<string, string>
                {
                    // The textbook GPU's batch of 8 within a 25 ms window (the serving section's setting).
                    ["Argus__Inference__Models__0__Batching__MaxBatchSize"] = "8",
                    ["Argus__Inference__Models__0__Batching__MaxDelayMs"] = "25",
                    ["Argus__Autoscale__DownscaleDelaySeconds"] = DownscaleDelaySeconds.ToString(Invariant),
                },
            });
            autoscaler.Changed += line =>
            {
                var stamped = string.Create(Invariant, $"{clock.Elapsed.TotalSeconds,6:F1} s  {line}");
                Console.WriteLine(stamped);
                lock (events)
                {
                    events.Add(stamped);
                }
            };
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var run = autoscaler.RunAsync(stop.Token);
            List<Sample> samples = [];
            List<PhaseResult> results = [];
            try
            {
                await Eventually.HoldsAsync(() => Task.FromResult(autoscaler.Running.Count == 1), TimeSpan.FromMinutes(3), "the first silo");
                await using var client = await ClientHost.StartAsync(o => o.Redis = redis.ConnectionString, cancellationToken);
                await Eventually.HoldsAsync(async () => (await client.Client.GetDevicesAsync(cancellationToken)).Count == DevicesPerSilo,
                    TimeSpan.FromSeconds(30), "the first silo's devices to report");
                await using var target = new SdkTarget(client.Client, ModelName);
                var start = clock.Elapsed;
                var offered = 0.0;
                using var sampling = new PeriodicTimer(TimeSpan.FromSeconds(1));
                var sampler = Task.Run(async () =>
                {
                    while (await sampling.WaitForNextTickAsync(CancellationToken.None))
                    {
                        var s = autoscaler.Latest;
                        lock (samples)
                        {
                            samples.Add(new Sample((clock.Elapsed - start).TotalSeconds, Volatile.Read(ref offered), s?.QueueDepth ?? 0,
                                s?.AverageInFlight ?? 0, s?.Desired ?? 0, autoscaler.Running.Count, autoscaler.Starting, autoscaler.Stopping));
                        }
                    }
                }, CancellationToken.None);

                var random = new Random(7);
                foreach (var phase in Phases)
                {
                    Console.WriteLine(string.Create(Invariant, $"{phase.Rate:G} images/s for {phase.Duration.TotalSeconds:G} s"));
                    var phaseStart = (clock.Elapsed - start).TotalSeconds;
                    Volatile.Write(ref offered, phase.Rate);
                    var loop = OpenLoop.Start(target, images, phase.Rate, maxOutstanding: 1024, random, cancellationToken: cancellationToken);

                    // The window outlasts the arrivals, so every image sent in the phase is counted in it.
                    var window = loop.MeasureAsync(phase.Duration + TimeSpan.FromMilliseconds(500), cancellationToken);
                    await Task.Delay(phase.Duration, cancellationToken);
                    await loop.DisposeAsync();
                    var stats = await window;
                    results.Add(new PhaseResult(phase, phaseStart, stats, autoscaler.Latest?.Desired ?? 0, autoscaler.Running.Count));
                    Console.WriteLine(string.Create(Invariant,
                        $"  sent {stats.Sent}, answered {stats.Answered} ({stats.Throughput:F0}/s, p95 {stats.LatencyMs(95):F0} ms), 429 {stats.Rejected}, failed {stats.Failed}, dropped {stats.Dropped}; silos {autoscaler.Running.Count}, desired {autoscaler.Latest?.Desired}"));
                }

                // The last phase's lull: the cluster settles at the minimum.
                Volatile.Write(ref offered, 0);
                await Eventually.HoldsAsync(() => Task.FromResult(autoscaler.Running.Count == 1 && autoscaler.Stopping == 0),
                    TimeSpan.FromSeconds(DownscaleDelaySeconds + 60), "the cluster back at one silo");
                sampling.Dispose();
                await sampler;
            }
            finally
            {
                await stop.CancelAsync();
                await run;
            }

            var plots = options.MarkdownPath is { } md ? Path.Combine(Path.GetDirectoryName(md)!, "plots") : scratch.FullName;
            Directory.CreateDirectory(plots);
            Plot(samples, Path.Combine(plots, "autoscale-timeline.png"));
            var markdown = Markdown(options, images, results, samples, events, (loadBefore, LoadAverage()));
            Console.WriteLine(markdown);
            if (options.MarkdownPath is { } path)
            {
                var existing = File.Exists(path) ? await File.ReadAllTextAsync(path, CancellationToken.None) : "# Benchmarks\n";
                await File.WriteAllTextAsync(path, Report.ReplaceSection(existing, markdown, "autoscale"), CancellationToken.None);
                Console.WriteLine($"Wrote {path} and {Path.Combine(plots, "autoscale-timeline.png")}.");
            }

            return results.Sum(r => r.Stats.Failed) == 0 ? 0 : 1;
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static void Plot(IReadOnlyList<Sample> samples, string path)
    {
        var plot = new Plot();
        var seconds = samples.Select(s => s.Seconds).ToArray();
        var offered = plot.Add.Scatter(seconds, samples.Select(s => s.Offered).ToArray());
        offered.LegendText = "offered images/s";
        offered.MarkerSize = 0;
        var inFlight = plot.Add.Scatter(seconds, samples.Select(s => s.InFlight * 10).ToArray());
        inFlight.LegendText = "in flight (5 s average) × 10";
        inFlight.MarkerSize = 0;
        var queue = plot.Add.Scatter(seconds, samples.Select(s => s.QueueDepth * 10.0).ToArray());
        queue.LegendText = "queue depth × 10";
        queue.MarkerSize = 0;
        foreach (var (name, value, pattern) in new (string, Func<Sample, double>, LinePattern)[]
        {
            ("desired silos", s => s.Desired, LinePattern.Dashed),
            ("running silos", s => s.Running, LinePattern.Solid),
        })
        {
            var line = plot.Add.Scatter(seconds, samples.Select(value).ToArray());
            line.LegendText = name;
            line.LinePattern = pattern;
            line.LineWidth = 3;
            line.MarkerSize = 0;
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.Axes.YAxis = plot.Axes.Right;
        }

        plot.Title($"SIMULATED: autoscaling silos of {DevicesPerSilo} sim devices (textbook), SDK, open loop");
        plot.XLabel("Seconds");
        plot.Axes.Left.Label.Text = "images/s; items × 10";
        plot.Axes.Right.Label.Text = "Silos";
        plot.Axes.SetLimitsY(0, Math.Max(samples.Select(s => s.Offered).DefaultIfEmpty(1).Max(), samples.Select(s => s.InFlight * 10).DefaultIfEmpty(1).Max()) * 1.15);
        plot.Axes.SetLimitsY(0, MaxSilos + 0.5, plot.Axes.Right);
        plot.ShowLegend(Alignment.UpperRight);
        PlotReport.Save(plot, path);
    }

    private static string Markdown(
        BenchOptions options, ImageSet images, IReadOnlyList<PhaseResult> results, IReadOnlyList<Sample> samples, IReadOnlyList<string> events,
        (string Before, string After) load)
    {
        var md = new StringBuilder();
        md.AppendLine("## Autoscaling: the loop closed on one machine (simulated GPUs)").AppendLine();
        md.AppendLine(Invariant, $"Regenerate with `{options.Command}` (about 5 minutes). Taken {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores ({Report.CpuModel()}).");
        md.AppendLine(Invariant, $"`LocalAutoscaler` (what `argus autoscale dev` runs) started and drained silo processes on a real Redis as `/v1/autoscale` asked, each");
        md.AppendLine(Invariant, $"silo with {DevicesPerSilo} **sim** devices (textbook GPU, batch 8 within 25 ms); one SDK client offered Poisson arrivals of one");
        md.AppendLine(Invariant, $"{ModelName} image each ({images.All.Count} photos made at most 224 px a side) at 100, 600, 300 and 50 images/s. The policy:");
        md.AppendLine(Invariant, $"8 in flight per device over a 5 s look-back, tolerance 0.1, upscale delay 10 s, downscale delay {DownscaleDelaySeconds:G} s (120 s by default;");
        md.AppendLine(Invariant, $"shortened so the run takes minutes), 1 to {MaxSilos} silos. A scaled-away silo drains (SIGTERM) before it exits.");
        md.AppendLine(Invariant, $"The machine's load average (1, 5, 15 min) was {load.Before} before the run and {load.After} after it.").AppendLine();
        md.AppendLine("| Phase | Offered images/s | Seconds | Sent | Answered | Answered/s | p50 ms | p95 ms | 429 (overloaded) | Failed | Dropped by client | Desired at end | Running at end |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (var i = 0; i < results.Count; i++)
        {
            var (phase, stats) = (results[i].Phase, results[i].Stats);
            md.AppendLine(Invariant,
                $"| {i + 1} | {phase.Rate:G} | {phase.Duration.TotalSeconds:G} | {stats.Sent} | {stats.Answered} | {stats.Throughput:F0} | {stats.LatencyMs(50):F0} | {stats.LatencyMs(95):F0} | {stats.Rejected} | {stats.Failed} | {stats.Dropped} | {results[i].Desired} | {results[i].Running} |");
        }

        var peak = samples.Count == 0 ? 0 : samples.Max(s => s.Running);
        md.AppendLine();
        md.AppendLine(Invariant, $"Silos over the run: {string.Join(" → ", SiloCounts(samples))} (at most {peak} running). Every image is counted once: answered,");
        md.AppendLine(Invariant, $"refused with an explicit 429 (overloaded, retryable), failed, or dropped by the client over 1024 outstanding; {results.Sum(r => r.Stats.Failed)} failed in all.");
        md.AppendLine().AppendLine("![Autoscaling timeline](plots/autoscale-timeline.png)").AppendLine();
        md.AppendLine("What the local autoscaler did (seconds since it started the first silo):").AppendLine();
        md.AppendLine("```");
        foreach (var line in events)
        {
            md.AppendLine(line);
        }

        md.AppendLine("```");
        return md.ToString();
    }

    /// <summary>This machine's load averages over 1, 5 and 15 minutes, from /proc/loadavg.</summary>
    internal static string LoadAverage() => string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>The running silo count each time it changed.</summary>
    private static IEnumerable<int> SiloCounts(IReadOnlyList<Sample> samples)
    {
        int? last = null;
        foreach (var s in samples.Where(s => s.Running > 0))
        {
            if (s.Running != last)
            {
                yield return s.Running;
                last = s.Running;
            }
        }
    }
}
