using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Argus.Inference.Imaging;
using Argus.Inference.Simulation;
using Argus.LoadTesting.Load;
using Argus.LoadTesting.Targets;
using Argus.Models;
using Argus.Testing;

namespace Argus.Bench;

/// <summary>
/// What model versions cost on the serving path, each part against one silo of its own. (1) Routing by version on the
/// real CPU: calls to resnet18 under a rollout (stable 1, canary 2 at 20 %, no comparison copies, so only the choice
/// costs) against calls to a twin model with the same files and no rollout, over HTTP and the SDK at each concurrency.
/// (2) Shadow traffic at 10 % on a simulated textbook device over HTTP at c=4, against the twin, with the copies the
/// silo ran and dropped read back from <c>GET /v1/models/resnet18/rollout</c>. The two arms alternate (ABBA) so the
/// machine's drift weighs on both alike. Written to the <c>versions</c> section.
/// </summary>
internal static class VersionBench
{
    /// <summary>The measured window per run when <c>--seconds</c> is not given.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(4);

    /// <summary>The warm-up before each run when <c>--warmup</c> is not given.</summary>
    public static readonly TimeSpan DefaultWarmup = TimeSpan.FromSeconds(1);

    private const string ModelName = "resnet18";

    // A rollout cannot be taken back to none once set (stable stays), so the arm without one is a second model.
    private const string TwinName = "resnet18-twin";
    private const string Stable = "1";
    private const string Candidate = "2";
    private const double CanaryPercent = 20;
    private const double ShadowPercent = 10;
    private const int ShadowConcurrency = 4;
    private const int Rounds = 2;
    private const string NoRollout = "(a) no rollout";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private static readonly string Canary = string.Create(Invariant, $"(b) canary {CanaryPercent:G} %");
    private static readonly string Shadow = string.Create(Invariant, $"(b) shadow {ShadowPercent:G} %");

    private static readonly Dictionary<string, string> SiloSettings = new()
    {
        // Every figure of the run stays in the rollout's window, so the copies and the canary's share are read whole.
        ["Argus__Rollout__WindowSeconds"] = "3600",

        // Same files, yet noise on two shared cores could end the canary mid-run: no automatic rollback here.
        ["Argus__Rollout__MinItems"] = "1000000000",
    };

    /// <summary>One arm at one concurrency: its runs merged, and each run's window apart.</summary>
    private sealed record ArmRun(Measurement Merged, IReadOnlyList<WindowStats> Runs);

    /// <summary>Both arms of one setup at one concurrency.</summary>
    private sealed record Pair(string Setup, int Concurrency, ArmRun Without, ArmRun With)
    {
        public double P50AddedMs => With.Merged.P50Ms - Without.Merged.P50Ms;

        public double P95AddedMs => With.Merged.P95Ms - Without.Merged.P95Ms;

        public double ThroughputRatio => With.Merged.ImagesPerSecond / Without.Merged.ImagesPerSecond;
    }

    /// <summary>The routing part: every pair, the device, and how the rollout split resnet18's calls.</summary>
    private sealed record Routing(IReadOnlyList<Pair> Pairs, SiloDevice Device, int Photos, RolloutComparison Comparison);

    /// <summary>The shadow part: its pair, the device, and the rollout's figures after it.</summary>
    private sealed record Shadowing(Pair Pair, SiloDevice Device, int Images, RolloutComparison Comparison);

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var siloDll = options.SiloDll ?? Bench.FindSiloDll();
        var load = Bench.LoadAverage();
        Console.WriteLine($"Routing by version: ResNet18 on the CPU, {TwinName} (no rollout) against {ModelName} (canary {Candidate} at {CanaryPercent:G} %)");
        var routing = await RoutingAsync(siloDll, options, cancellationToken);
        Console.WriteLine($"Shadow traffic: a sim device, {TwinName} (no rollout) against {ModelName} (shadow {Candidate} at {ShadowPercent:G} %)");
        var shadowing = await ShadowingAsync(siloDll, options, cancellationToken);

        var markdown = Markdown(options, load, routing, shadowing);
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (options.MarkdownPath is { } path)
        {
            var existing = File.Exists(path) ? await File.ReadAllTextAsync(path, CancellationToken.None) : "# Benchmarks\n";
            await File.WriteAllTextAsync(path, Report.ReplaceSection(existing, markdown, "versions"), CancellationToken.None);
            Console.WriteLine($"Wrote {path}.");
        }

        var errors = routing.Pairs.Append(shadowing.Pair).Sum(p => p.Without.Merged.ErrorCount + p.With.Merged.ErrorCount);
        if (errors > 0)
        {
            Console.Error.WriteLine($"bench: {errors} calls failed; see the errors above.");
            return 3;
        }

        return 0;
    }

    private static async Task<Routing> RoutingAsync(string siloDll, BenchOptions options, CancellationToken cancellationToken)
    {
        var (inference, model) = Bench.ReadSiloSettings(siloDll);
        var preprocessor = new ImagePreprocessor(model.Preprocess);
        var images = Bench.LoadImages(options.ImagesDir, image => preprocessor.Process(image, inference.Images));
        await using var silo = await SiloProcess.StartAsync("versions-cpu", SiloSettings, TimeSpan.FromMinutes(3), siloDll);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var device = await Bench.GetDeviceAsync(http, silo, cancellationToken);
        await using var client = await ClientHost.StartAsync(o => o.GatewayPorts = [silo.GatewayPort], cancellationToken);
        await client.Client.LoadModelAsync(TwinName, Definition(Stable));
        await client.Client.LoadModelAsync(ModelName, Definition(Candidate));
        await client.Client.SetRolloutAsync(ModelName, new RolloutSpec(Stable, Candidate, CanaryPercent, ComparePercent: 0));

        await using var twinHttp = new HttpTarget(silo.BaseAddress, TwinName);
        await using var modelHttp = new HttpTarget(silo.BaseAddress, ModelName);
        (string Name, Scenario Without, Scenario With)[] setups =
        [
            ("HTTP", new Scenario(NoRollout, twinHttp), new Scenario(Canary, modelHttp)),
            ("SDK", new Scenario(NoRollout, new SdkTarget(client.Client, TwinName)), new Scenario(Canary, new SdkTarget(client.Client, ModelName))),
        ];
        List<Pair> pairs = [];
        foreach (var c in options.Concurrency)
        {
            foreach (var (name, without, with) in setups)
            {
                pairs.Add(await AlternateAsync(name, without, with, images, c, options, cancellationToken));
            }
        }

        return new Routing(pairs, device, images.All.Count, await client.Client.CompareAsync(ModelName));
    }

    private static async Task<Shadowing> ShadowingAsync(string siloDll, BenchOptions options, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("argus-versions-");
        try
        {
            var images = ServingBench.SmallImages(options.ImagesDir, scratch.FullName);
            var settings = new Dictionary<string, string>(SiloSettings)
            {
                ["Argus__Inference__Sim__Devices"] = "1",
                ["Argus__Inference__Sim__Profile"] = LatencyProfile.TextbookName,
            };
            await using var silo = await SiloProcess.StartAsync("versions-sim", settings, TimeSpan.FromMinutes(3), siloDll);
            using var http = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            var device = await Bench.GetDeviceAsync(http, silo, cancellationToken);
            foreach (var (model, version) in new[] { (TwinName, Stable), (ModelName, Candidate) })
            {
                await SucceedAsync(http.PostAsync($"v2/repository/models/{model}/load",
                    new StringContent(Definition(version), Encoding.UTF8, "application/json"), cancellationToken));
            }

            await SucceedAsync(http.PutAsJsonAsync($"v1/models/{ModelName}/rollout",
                new RolloutSpec(Stable, Shadow: Candidate, ShadowPercent: ShadowPercent), SnakeCase, cancellationToken));

            await using var twin = new HttpTarget(silo.BaseAddress, TwinName);
            await using var shadowed = new HttpTarget(silo.BaseAddress, ModelName);
            var pair = await AlternateAsync("HTTP, sim", new Scenario(NoRollout, twin), new Scenario(Shadow, shadowed), images, ShadowConcurrency, options, cancellationToken);
            return new Shadowing(pair, device, images.All.Count, await SettledRolloutAsync(http, cancellationToken));
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>
    /// <see cref="Rounds"/> runs of each arm in ABBA order, each a warm-up and a window, merged per arm; each run printed.
    /// </summary>
    private static async Task<Pair> AlternateAsync(
        string setup, Scenario without, Scenario with, ImageSet images, int concurrency, BenchOptions options, CancellationToken cancellationToken)
    {
        // Each arm is warmed once on its own first (its failures still count), or the first run alone would pay for cold
        // connections, JIT and the batcher's first estimates.
        var runs = new Dictionary<Scenario, (List<WindowStats> Warmups, List<WindowStats> Windows)> { [without] = ([], []), [with] = ([], []) };
        foreach (var scenario in new[] { without, with })
        {
            runs[scenario].Warmups.Add((await scenario.MeasureWindowsAsync(images, concurrency, options.Warmup, TimeSpan.Zero, cancellationToken)).Warmup);
        }

        for (var round = 0; round < Rounds; round++)
        {
            foreach (var scenario in round % 2 == 0 ? new[] { without, with } : [with, without])
            {
                var (warmup, window) = await scenario.MeasureWindowsAsync(images, concurrency, options.Warmup, options.Window, cancellationToken);
                runs[scenario].Warmups.Add(warmup);
                runs[scenario].Windows.Add(window);
                Bench.Print(Measurement.From($"{setup} {scenario.Name}", concurrency, warmup, window) with { AverageBatchSize = window.AverageBatchSize });
            }
        }

        return new Pair(setup, concurrency, Merge(without), Merge(with));

        ArmRun Merge(Scenario scenario)
        {
            var (warmups, windows) = runs[scenario];
            var window = WindowStats.Merge(windows);
            var merged = Measurement.From(scenario.Name, concurrency, WindowStats.Merge(warmups), window) with { AverageBatchSize = window.AverageBatchSize };
            return new ArmRun(merged, windows);
        }
    }

    /// <summary>
    /// The rollout's figures once the silo has reported its last copies: read until two reads a reporting period apart
    /// agree (copies wait at most their deadline for the batch lane).
    /// </summary>
    private static async Task<RolloutComparison> SettledRolloutAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var uri = $"v1/models/{ModelName}/rollout";
        var last = await http.GetFromJsonAsync<RolloutComparison>(uri, SnakeCase, cancellationToken)
            ?? throw new InvalidOperationException($"GET {uri} answered nothing.");
        for (var read = 0; read < 10; read++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);
            var now = await http.GetFromJsonAsync<RolloutComparison>(uri, SnakeCase, cancellationToken)
                ?? throw new InvalidOperationException($"GET {uri} answered nothing.");
            if (Copies(now) == Copies(last))
            {
                return now;
            }

            last = now;
        }

        return last;

        static (long, long) Copies(RolloutComparison c) => (c.Versions.Sum(v => v.ShadowItems), c.Versions.Sum(v => v.Dropped));
    }

    private static async Task SucceedAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>resnet18's configured entry as a repository definition of <paramref name="version"/>: the same files and batching.</summary>
    private static string Definition(string version) => $$$"""
        {"version": "{{{version}}}", "path": "resnet18/ResNet18.onnx", "preprocessPath": "resnet18/ResNetPreprocess.onnx", "task": "Embedding",
         "preprocess": {"width": 224, "height": 224, "resize": "Stretch", "channels": "Rgb"}, "batching": {"maxBatchSize": 8, "maxDelayMs": 0}}
        """;

    private static string Markdown(BenchOptions options, string load, Routing routing, Shadowing shadowing)
    {
        var o = options;
        var md = new StringBuilder();
        md.AppendLine("## Model versions: the cost of routing by version and of shadow traffic").AppendLine();
        md.AppendLine("Written by `bench/Argus.Bench`; rerun the command below rather than editing by hand.").AppendLine();
        md.AppendLine($"Command: `{o.Command}`").AppendLine();
        md.AppendLine(Invariant, $"""
            Machine: {Environment.ProcessorCount} cores ({Report.CpuModel()}), load average at start {load}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; the
            load generator and the silo share it. Each part starts one silo of its own and loads, through the model repository,
            `{ModelName}` version {Candidate} and a twin model `{TwinName}` version {Stable}, both with the files and batching of the configured
            `{ModelName}` version {Stable} (batches of 8, no delay). A rollout, once set, keeps a stable version, so the arm without one
            calls the twin: **(a)** calls `{TwinName}`, which has no rollout; **(b)** calls `{ModelName}` under its rollout. Every call
            names no version and carries no route key, so the rollout hashes each JPEG (XXH3) to choose. Each arm is first
            warmed once, then runs {Rounds} times in ABBA order (a, b, b, a), each run a {o.Warmup.TotalSeconds:0.#} s warm-up (discarded) and
            {o.Window.TotalSeconds:0.#} s measured, closed loop; an arm's row merges its runs, and `per run` shows each run's window apart
            (their spread is the noise to judge a difference by). The rollout's figures cover the whole run (`Argus:Rollout:WindowSeconds`
            3600) and its automatic rollback is held off (`MinItems` 10⁹): the two versions are the same model.
            """).AppendLine();

        md.AppendLine("### Routing by version: ResNet18 on the CPU, HTTP and SDK").AppendLine();
        md.AppendLine(Invariant, $"""
            One silo on `{routing.Device.Key}` ({routing.Device.ExecutionProvider}); {routing.Photos} opencv-doc photos at full size. (b)'s rollout:
            stable {Stable}, canary {Candidate} at {CanaryPercent:G} % of route keys, `compare_percent` 0, so no copy runs and only the choice
            costs. HTTP: `POST /v1/models/{TwinName}/infer` for (a), `/v1/models/{ModelName}/infer` for (b), one JPEG each; SDK:
            `IArgusClient.InferAsync(model, [jpeg])`, routed (the SDK chooses the version itself).
            """).AppendLine();
        md.AppendLine(ArmTable(routing.Pairs));
        md.AppendLine("| Transport | c | p50 added by the rollout ms | p95 added ms | images/s, (b) / (a) |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var p in routing.Pairs)
        {
            md.AppendLine(Invariant, $"| {p.Setup} | {p.Concurrency} | {p.P50AddedMs:F2} | {p.P95AddedMs:F2} | {p.ThroughputRatio:F3} |");
        }

        md.AppendLine();
        var split = routing.Comparison.Versions.Where(v => v.Version is Stable or Candidate).ToList();
        var served = split.Sum(v => v.Items);
        md.AppendLine(Invariant, $"""
            How (b)'s calls were split, every caller's figures (`IArgusClient.CompareAsync`): {string.Join("; ", split.Select(v =>
                string.Create(Invariant, $"version {v.Version} ({v.Role}) {v.Items} items = {(served == 0 ? 0 : (double)v.Items / served):P1}, {v.ShadowItems} copies")))};
            the canary is still in the rollout at the end: {(routing.Comparison.Rollout.Canary == Candidate ? "yes" : "**no**")}. The canary's share is by photo
            (each photo's hash lands on one version), so with {routing.Photos} photos it is near, not at, {CanaryPercent:G} %.
            """).AppendLine();

        var s = shadowing.Pair;
        md.AppendLine("### Shadow traffic at 10 %: a simulated device, HTTP").AppendLine();
        md.AppendLine(Invariant, $"""
            One silo with one **sim** device `{shadowing.Device.Key}` (`Argus:Inference:Sim`, the `textbook` profile: 20 ms for one image,
            25 ms for a batch of 8; HTTP, decoding and batching are real); {shadowing.Images} opencv-doc photos made at most 224 px a side
            (as in the serving section). {ShadowConcurrency} closed-loop HTTP callers leave the device spare capacity (its batches of 8 would
            carry {LatencyProfile.Textbook.Throughput(8):F0} images/s). (b)'s rollout: stable {Stable}, shadow {Candidate} at {ShadowPercent:G} % of calls, whose copies
            run on version {Candidate} in the batch lane after the caller is answered.
            """).AppendLine();
        md.AppendLine(ArmTable([s]));
        var shadow = shadowing.Comparison.Versions.FirstOrDefault(v => v.Version == Candidate);
        var stableFigures = shadowing.Comparison.Versions.FirstOrDefault(v => v.Version == Stable);
        md.AppendLine("`GET /v1/models/resnet18/rollout` after the run (every version the rollout saw):").AppendLine();
        md.AppendLine("| Version | Role | Items answered | Shadow items (copies run) | Copies failed | Dropped | Agreement with stable (cosine) |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var v in shadowing.Comparison.Versions)
        {
            md.AppendLine(Invariant,
                $"| {v.Version} | {v.Role} | {v.Items} | {v.ShadowItems} | {v.ShadowErrorRate:P1} | {v.Dropped} | {(v.Agreement is { } a ? a.ToString("F4", Invariant) : "–")} |");
        }

        var copies = shadow?.ShadowItems ?? 0;
        var dropped = shadow?.Dropped ?? 0;
        var calls = stableFigures?.Items ?? 0;
        var noise = new[] { s.Without, s.With }.Max(arm => Spread(arm, w => w.LatencyMs(95)));
        var p95Change = s.With.Merged.P95Ms - s.Without.Merged.P95Ms;
        md.AppendLine();
        md.AppendLine(Invariant, $"""
            {copies} copies ran for {calls} calls of (b) (warm-ups included) = {(calls == 0 ? 0 : (double)copies / calls):P1}, and {dropped} were dropped. Copies are sampled by
            photo, as the canary is.
            """).AppendLine();

        var first = routing.Pairs.Where(p => p.Concurrency == routing.Pairs.Min(q => q.Concurrency)).ToList();
        var top = routing.Pairs.Where(p => p.Concurrency == routing.Pairs.Max(q => q.Concurrency)).ToList();
        md.AppendLine("### Reading").AppendLine();
        md.AppendLine(Invariant, $"""
            - Routing by version: p50 added at c={first[0].Concurrency} {string.Join(", ", first.Select(p => string.Create(Invariant, $"{p.P50AddedMs:F2} ms ({p.Setup})")))}
              (the runs of one arm differ by up to {first.Max(p => Math.Max(Spread(p.Without, w => w.LatencyMs(50)), Spread(p.With, w => w.LatencyMs(50)))):F2} ms);
              at c={top[0].Concurrency} throughput {string.Join(", ", top.Select(p => string.Create(Invariant, $"{p.ThroughputRatio:F3}× ({p.Setup})")))} of no rollout.
              At c={top[0].Concurrency} the canary's items queue apart from stable's and ride in batches of their own: (b)'s batches held
              {string.Join(", ", top.Select(p => string.Create(Invariant, $"{p.With.Merged.AverageBatchSize:F2} against {p.Without.Merged.AverageBatchSize:F2} items ({p.Setup})")))},
              and its p95 moved by {string.Join(", ", top.Select(p => string.Create(Invariant, $"{p.P95AddedMs:+0.0;-0.0} ms ({p.Setup})")))} (on a CPU a batch costs about the
              same per image at any size, so throughput does not follow the batch size; on a GPU it would).
            - Shadow {ShadowPercent:G} % on the sim device: the caller's p95 {s.With.Merged.P95Ms:F1} ms with shadow against {s.Without.Merged.P95Ms:F1} ms without
              ({p95Change:+0.0;-0.0} ms; one arm's runs differ by up to {noise:F1} ms: {(Math.Abs(p95Change) <= noise ? "unchanged within noise" : "**more than the noise**")}),
              p50 {s.With.Merged.P50Ms:F1} against {s.Without.Merged.P50Ms:F1} ms, p99 {s.With.Merged.P99Ms:F1} against {s.Without.Merged.P99Ms:F1} ms, images/s {s.ThroughputRatio:F3}× of no rollout; {copies} copies run, {dropped} dropped.
            """);
        var failed = routing.Pairs.Append(s).SelectMany(p => new[] { (p.Setup, p.Without.Merged), (p.Setup, p.With.Merged) })
            .Where(r => r.Merged.ErrorCount > 0).ToList();
        md.AppendLine(failed.Count == 0 ? "- No call failed." : "- Failed calls:");
        foreach (var (setup, m) in failed)
        {
            foreach (var (error, count) in m.Errors)
            {
                md.AppendLine(Invariant, $"  - {setup} {m.Scenario}, c={m.Concurrency}: {count} × `{error.Replace('`', '\'')}`");
            }
        }

        return md.ToString();
    }

    /// <summary>The arms of each pair, merged and per run.</summary>
    private static string ArmTable(IReadOnlyList<Pair> pairs)
    {
        var md = new StringBuilder();
        md.AppendLine("| Setup | c | Arm | Images | Errors | Images/s | p50 ms | p95 ms | p99 ms | Avg batch | p50 per run ms | p95 per run ms | Images/s per run |");
        md.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in pairs)
        {
            foreach (var arm in new[] { p.Without, p.With })
            {
                var m = arm.Merged;
                md.AppendLine(Invariant,
                    $"| {p.Setup} | {m.Concurrency} | {m.Scenario} | {m.Images} | {m.ErrorCount} | {m.ImagesPerSecond:F1} | {m.P50Ms:F1} | {m.P95Ms:F1} | {m.P99Ms:F1} | {m.AverageBatchSize:F2} | {PerRun(arm, w => w.LatencyMs(50))} | {PerRun(arm, w => w.LatencyMs(95))} | {PerRun(arm, w => w.Throughput)} |");
            }
        }

        return md.ToString();
    }

    private static string PerRun(ArmRun arm, Func<WindowStats, double> value) =>
        string.Join(" / ", arm.Runs.Select(r => value(r).ToString("F1", Invariant)));

    private static double Spread(ArmRun arm, Func<WindowStats, double> value) =>
        arm.Runs.Max(value) - arm.Runs.Min(value);
}
