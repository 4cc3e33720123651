using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Argus.Devices;
using Argus.Errors;
using Argus.Inference.Simulation;
using Argus.Inference.Statistics;
using Argus.LoadTesting.Load;
using Argus.LoadTesting.Reports;
using Argus.LoadTesting.Targets;
using Argus.Testing;
using ScottPlot;

namespace Argus.Bench;

/// <summary>
/// Fair shares on one simulated textbook device: tenant b offers 20 % of the device's capacity alone, then tenant a floods
/// it at five times its capacity alongside b. Both are SDK clients with their own <c>Tenant</c>, sending Poisson arrivals
/// of one image each straight to the device. Per phase and tenant: goodput, latency and what was refused; every second:
/// both tenants' goodput and p95, plotted. Written to the <c>fairness</c> section.
/// </summary>
internal static class FairnessBench
{
    private const string ModelName = "resnet18";
    private const int MaxBatchSize = 8;
    private const int QueueCapacity = 24;
    private const double LightShare = 0.2;
    private const double FloodFactor = 5;
    private const double Tolerance = 0.10;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>One tenant in one phase, as measured.</summary>
    private sealed record Row(string Phase, string Tenant, double Offered, WindowStats Stats);

    /// <summary>One request's end, on the run's clock.</summary>
    private sealed record Answer(double EndSeconds, double LatencyMs, int Answered, int Rejected);

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var siloDll = options.SiloDll ?? Bench.FindSiloDll();
        var capacity = LatencyProfile.Textbook.Throughput(MaxBatchSize);
        var (light, flood) = (capacity * LightShare, capacity * FloodFactor);
        var scratch = Directory.CreateTempSubdirectory("argus-fairness-");
        try
        {
            var images = ServingBench.SmallImages(options.ImagesDir, scratch.FullName);
            var loadBefore = AutoscaleBench.LoadAverage();
            await using var silo = await SiloProcess.StartAsync("fair-0", new Dictionary<string, string>
            {
                ["Argus__Inference__Sim__Devices"] = "1",
                ["Argus__Inference__Sim__Profile"] = LatencyProfile.TextbookName,
                ["Argus__Inference__Models__0__Batching__MaxBatchSize"] = MaxBatchSize.ToString(Invariant),
                ["Argus__Inference__Models__0__Batching__MaxDelayMs"] = "25",
                ["Argus__Inference__Models__0__Batching__QueueCapacity"] = QueueCapacity.ToString(Invariant),
            }, dll: siloDll);
            var device = DeviceKey.Parse((await silo.GetDevicesAsync())[0].Key);
            var gateway = $"127.0.0.1:{silo.GatewayPort}";
            await using var a = await ClientHost.StartAsync(o => (o.Gateways, o.Tenant) = ([gateway], "a"), cancellationToken);
            await using var b = await ClientHost.StartAsync(o => (o.Gateways, o.Tenant) = ([gateway], "b"), cancellationToken);
            var clock = Stopwatch.StartNew();
            await using var aTarget = new RecordingTarget(new SdkTarget(a.Client, ModelName, device: device), clock);
            await using var bTarget = new RecordingTarget(new SdkTarget(b.Client, ModelName, device: device), clock);

            List<Row> rows = [];
            Console.WriteLine(string.Create(Invariant, $"b alone at {light:F0} images/s for {options.Window.TotalSeconds:G} s"));
            var bLoop = OpenLoop.Start(bTarget, images, light, maxOutstanding: 1024, new Random(11), cancellationToken: cancellationToken);
            await Task.Delay(options.Warmup, cancellationToken);
            rows.Add(new Row("b alone", "b", light, await bLoop.MeasureAsync(options.Window, cancellationToken)));

            var floodStart = clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(Invariant, $"a at {flood:F0} images/s with b at {light:F0} images/s for {options.Window.TotalSeconds:G} s"));
            var aLoop = OpenLoop.Start(aTarget, images, flood, maxOutstanding: 4096, new Random(7), cancellationToken: cancellationToken);
            await Task.Delay(options.Warmup, cancellationToken);
            var aWindow = aLoop.MeasureAsync(options.Window, cancellationToken);
            var bWindow = bLoop.MeasureAsync(options.Window, cancellationToken);
            rows.Add(new Row("a floods", "a", flood, await aWindow));
            rows.Add(new Row("a floods", "b", light, await bWindow));
            await aLoop.DisposeAsync();
            await bLoop.DisposeAsync();

            foreach (var row in rows)
            {
                Console.WriteLine(string.Create(Invariant,
                    $"  {row.Phase,-9} {row.Tenant}: {row.Stats.Throughput:F1}/s, p95 {row.Stats.LatencyMs(95):F0} ms, 429 {row.Stats.Rejected}, failed {row.Stats.Failed}, dropped {row.Stats.Dropped}"));
            }

            var plots = options.MarkdownPath is { } md ? Path.Combine(Path.GetDirectoryName(md)!, "plots") : scratch.FullName;
            Directory.CreateDirectory(plots);
            var plotPath = Path.Combine(plots, "fairness-timeline.png");
            Plot(aTarget.Answers, bTarget.Answers, floodStart, clock.Elapsed.TotalSeconds, plotPath);
            var bRefusedAt = bTarget.Answers.Where(x => x.Rejected > 0).Select(x => x.EndSeconds - floodStart).Order().ToArray();
            var markdown = Markdown(
                options, images, capacity, rows, Reasons(aTarget), Reasons(bTarget), bRefusedAt, (loadBefore, AutoscaleBench.LoadAverage()));
            Console.WriteLine(markdown);
            if (options.MarkdownPath is { } path)
            {
                var existing = File.Exists(path) ? await File.ReadAllTextAsync(path, CancellationToken.None) : "# Benchmarks\n";
                await File.WriteAllTextAsync(path, Report.ReplaceSection(existing, markdown, "fairness"), CancellationToken.None);
                Console.WriteLine($"Wrote {path} and {plotPath}.");
            }

            var (alone, shared) = (rows[0].Stats, rows[2].Stats);
            return shared.Rejected + shared.Failed + alone.Rejected + alone.Failed == 0 ? 0 : 1;
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>Goodput and p95 per second for both tenants, with the flood's start marked.</summary>
    private static void Plot(IReadOnlyCollection<Answer> a, IReadOnlyCollection<Answer> b, double floodStart, double end, string path)
    {
        var plot = new Plot();
        foreach (var (tenant, answers) in new[] { ("a", a), ("b", b) })
        {
            var seconds = Enumerable.Range(0, (int)Math.Ceiling(end)).ToArray();
            var bySecond = answers.Where(x => x.Answered > 0).ToLookup(x => (int)x.EndSeconds);
            var goodput = plot.Add.Scatter(seconds.Select(s => (double)s).ToArray(), seconds.Select(s => (double)bySecond[s].Sum(x => x.Answered)).ToArray());
            goodput.LegendText = $"tenant {tenant} answered/s";
            goodput.MarkerSize = 0;
            goodput.LineWidth = 2;
            var withAnswers = seconds.Where(s => bySecond[s].Any()).ToArray();
            var p95 = plot.Add.Scatter(
                withAnswers.Select(s => (double)s).ToArray(),
                withAnswers.Select(s => Percentiles.NearestRank([.. bySecond[s].Select(x => x.LatencyMs).Order()], 95)).ToArray());
            p95.LegendText = $"tenant {tenant} p95 ms";
            p95.MarkerSize = 0;
            p95.LinePattern = LinePattern.Dashed;
            p95.Axes.YAxis = plot.Axes.Right;
        }

        var start = plot.Add.VerticalLine(floodStart);
        start.Text = "a starts flooding";
        start.LinePattern = LinePattern.Dotted;
        plot.Title("SIMULATED: tenant b at 20 % of one sim device (textbook), tenant a at 5× from the line on; SDK");
        plot.XLabel("Seconds");
        plot.Axes.Left.Label.Text = "Answered images/s";
        plot.Axes.Right.Label.Text = "p95 latency, ms";
        plot.ShowLegend(Alignment.UpperLeft);
        PlotReport.Save(plot, path);
    }

    private static string Markdown(
        BenchOptions options, ImageSet images, double capacity, IReadOnlyList<Row> rows, string aReasons, string bReasons,
        IReadOnlyList<double> bRefusedAt, (string Before, string After) load)
    {
        var (alone, shared, flooder) = (rows[0].Stats, rows[2].Stats, rows[1].Stats);
        var goodputChange = shared.Throughput / alone.Throughput - 1;
        var p95Change = shared.LatencyMs(95) / alone.LatencyMs(95) - 1;
        var within = Math.Abs(goodputChange) <= Tolerance && p95Change <= Tolerance;
        var md = new StringBuilder();
        md.AppendLine("## Fairness: one tenant floods a device, another keeps its share (simulated GPU)").AppendLine();
        md.AppendLine(Invariant, $"Regenerate with `{options.Command}` (about {Math.Ceiling((2 * (options.Window + options.Warmup)).TotalMinutes + 0.5):F0} min). Taken {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores ({Report.CpuModel()}),");
        md.AppendLine("the silo and both clients on this one machine.");
        md.AppendLine(Invariant, $"One silo with one **sim** device (textbook GPU: {capacity:F0} images/s at batch {MaxBatchSize}), MaxBatchSize {MaxBatchSize}, MaxDelayMs 25,");
        md.AppendLine(Invariant, $"QueueCapacity {QueueCapacity} (per tenant and lane), both tenants at weight 1. Two SDK clients, `Tenant = \"a\"` and `\"b\"`, each");
        md.AppendLine(Invariant, $"send Poisson arrivals of one {ModelName} image ({images.All.Count} photos made at most 224 px a side) straight to the device. Tenant b offers");
        md.AppendLine(Invariant, $"{LightShare:P0} of capacity alone, then tenant a offers {FloodFactor:G}× capacity alongside it; {options.Warmup.TotalSeconds:G} s of warm-up, then a");
        md.AppendLine(Invariant, $"{options.Window.TotalSeconds:G} s window per phase. The machine's load average (1, 5, 15 min) was {load.Before} before the run and");
        md.AppendLine(Invariant, $"{load.After} after it: other work shared these cores, so the latency tails move from run to run.").AppendLine();
        md.AppendLine("| Phase | Tenant | Offered images/s | Answered/s | p50 ms | p95 ms | p99 ms | Device queue p95 ms | 429 (overloaded) | Failed | Dropped by client |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in rows)
        {
            var s = row.Stats;
            md.AppendLine(Invariant,
                $"| {row.Phase} | {row.Tenant} | {row.Offered:F0} | {s.Throughput:F1} | {s.LatencyMs(50):F0} | {s.LatencyMs(95):F0} | {s.LatencyMs(99):F0} | {Percentiles.NearestRank(s.QueueMs, 95):F0} | {s.Rejected} | {s.Failed} | {s.Dropped} |");
        }

        md.AppendLine();
        md.AppendLine(Invariant, $"Tenant b with a flooding: goodput {goodputChange:+0.0 %;-0.0 %}, p95 {p95Change:+0.0 %;-0.0 %} against b alone: {(within ? "within" : "**not** within")} {Tolerance:P0}.");
        md.AppendLine(Invariant, $"Refused in the window: a {flooder.Rejected}, b {shared.Rejected}; over the whole run, a: {aReasons}; b: {bReasons}.");
        if (bRefusedAt.Count > 0)
        {
            md.AppendLine(Invariant, $"b's refusals came {string.Join(", ", bRefusedAt.Select(t => t.ToString("+0.0;-0.0", Invariant)))} s from the flood's start.");
        }

        md.AppendLine("Over the SDK no rate limit applies (a trusted cluster client): a's refusals are the device's admission turning away a's");
        md.AppendLine("own full queue. Over HTTP a tenant's `RatePerSecond` refuses its excess earlier, at the silo's door, with a 429 naming it.");
        md.AppendLine("The device queue column is the time from admission to the start of the item's batch, as the device reports it: what the");
        md.AppendLine("fair share decides. The rest of a request's latency is the machine's: decoding, Orleans messaging and the flood's own");
        md.AppendLine("requests, all on the same cores.");
        md.AppendLine().AppendLine("![Both tenants over time](plots/fairness-timeline.png)");
        return md.ToString();
    }

    /// <summary>The refusals' reasons over the whole run, most frequent first.</summary>
    private static string Reasons(RecordingTarget target) => target.Refusals.IsEmpty
        ? "none"
        : string.Join("; ", target.Refusals.OrderByDescending(e => e.Value).Select(e => string.Create(Invariant, $"{e.Value}× \"{e.Key}\"")));

    /// <summary>A target that notes when each request ended, how long it took and what became of its images.</summary>
    private sealed class RecordingTarget(ILoadTarget inner, Stopwatch clock) : ILoadTarget
    {
        private readonly ConcurrentQueue<Answer> _answers = new();

        public IReadOnlyCollection<Answer> Answers => _answers;

        /// <summary>Images refused for load, by the refusal's message.</summary>
        public ConcurrentDictionary<string, long> Refusals { get; } = new();

        public string Description => inner.Description;

        public bool RunsInProcess => inner.RunsInProcess;

        public async Task<TargetAnswer> SendAsync(IReadOnlyList<byte[]> images, CancellationToken cancellationToken)
        {
            var started = clock.Elapsed;
            var answer = await inner.SendAsync(images, cancellationToken);
            var ended = clock.Elapsed;
            foreach (var item in answer.Items)
            {
                if (item.Error is { Kind: ErrorKind.Overloaded } refused)
                {
                    Refusals.AddOrUpdate(refused.Message, 1, static (_, n) => n + 1);
                }
            }
            _answers.Enqueue(new Answer(
                ended.TotalSeconds, (ended - started).TotalMilliseconds, answer.Items.Count(i => i.Error is null),
                answer.Items.Count(i => i.Error?.Kind == ErrorKind.Overloaded)));
            return answer;
        }

        public Task<IReadOnlyList<DeviceInfo>> GetDevicesAsync(CancellationToken cancellationToken) => inner.GetDevicesAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
