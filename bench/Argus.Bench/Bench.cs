using System.Net.Http.Json;
using System.Text.Json;
using Argus.Devices;
using Argus.Inference.Models;
using Argus.LoadTesting.Targets;
using Argus.Testing;

namespace Argus.Bench;

/// <summary>A device as the silo's <c>GET /v1/devices</c> reports it.</summary>
internal sealed record SiloDevice(string Key, string ExecutionProvider, string ProviderNote, long BatchesRun, long ItemsRun);

/// <summary>How one scenario's answers compare with the raw path's for the same photo.</summary>
internal sealed record EmbeddingCheck(string Scenario, string Image, double MaxAbsDifference);

/// <summary>Everything one run measured, for the report.</summary>
internal sealed record BenchRun(
    BenchOptions Options, ImageSet Images, ModelOptions Model, string RawProvider, SiloDevice Device,
    IReadOnlyList<Measurement> Results, IReadOnlyList<EmbeddingCheck> Checks, string LoadAtStart);

/// <summary>The run: (a) in this process, (b), (c) and (d) against the silo as a child process, interleaved per concurrency.</summary>
internal static class Bench
{
    private const string ModelName = "resnet18";
    private const string SiloName = "bench-0";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);
    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var siloDll = options.SiloDll ?? FindSiloDll();
        if (!File.Exists(siloDll))
        {
            throw new FileNotFoundException($"No silo at {siloDll}: build src/Silo/Argus.Silo in Release (scripts/bench.sh does).", siloDll);
        }

        var (inference, model) = ReadSiloSettings(siloDll);
        var load = LoadAverage();
        await using var rawTarget = RawTarget.Load(inference, model);
        var images = LoadImages(options.ImagesDir, rawTarget.Check);
        var p = model.Preprocess;
        Console.WriteLine($"{images.All.Count} photos ({images.TotalBytes / 1024} KiB) from {options.ImagesDir}; {model.Name} at {p.Width}×{p.Height} {p.Resize} {p.Channels}; "
            + $"warm-up {options.Warmup.TotalSeconds:0.#} s, window {options.Window.TotalSeconds:0.#} s, concurrency {string.Join(',', options.Concurrency)}.");

        var raw = new Scenario(ScenarioName.Raw, rawTarget);
        var probe = images.All[0];
        var reference = await raw.EmbedAsync(probe.Data, cancellationToken);

        await using var silo = await SiloProcess.StartAsync(SiloName, timeout: ReadyTimeout, dll: siloDll);
        Console.WriteLine($"Silo {silo.Name} ready: PID {silo.Pid}, {silo.BaseAddress}, gateway {silo.GatewayPort}.");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var device = await GetDeviceAsync(http, silo, cancellationToken);
        Console.WriteLine($"Silo ready: device {device.Key} on {device.ExecutionProvider} ({device.ProviderNote}).");

        await using var client = await ClientHost.StartAsync(o => o.GatewayPorts = [silo.GatewayPort], cancellationToken);
        var orleans = new Scenario(ScenarioName.Orleans, new SdkTarget(client.Client, ModelName, device: DeviceKey.Parse(device.Key)));
        await using var httpTarget = new HttpTarget(silo.BaseAddress, ModelName);
        var overHttp = new Scenario(ScenarioName.Http, httpTarget);
        await using var grpcTarget = new GrpcTarget(
            new Uri($"http://127.0.0.1:{silo.GrpcPort ?? throw new InvalidOperationException("The silo serves no gRPC (Argus:Grpc:Port).")}"), ModelName);
        var overGrpc = new Scenario(ScenarioName.Grpc, grpcTarget);

        List<EmbeddingCheck> checks = [];
        foreach (var scenario in new[] { orleans, overHttp, overGrpc })
        {
            var embedding = await scenario.EmbedAsync(probe.Data, cancellationToken);
            checks.Add(new EmbeddingCheck(scenario.Name, probe.Name, reference.Zip(embedding, (a, b) => (double)Math.Abs(a - b)).Max()));
        }

        // Interleaved per concurrency, so a drift in the machine's load hits the four paths alike. The silo stays up,
        // idle, while (a) runs.
        List<Measurement> results = [];
        foreach (var c in options.Concurrency)
        {
            foreach (var scenario in new[] { raw, orleans, overHttp, overGrpc })
            {
                var before = await GetDeviceAsync(http, silo, cancellationToken);
                var measured = await scenario.MeasureAsync(images, c, options.Warmup, options.Window, cancellationToken);
                var after = await GetDeviceAsync(http, silo, cancellationToken);
                var batches = after.BatchesRun - before.BatchesRun;
                double? batchSize = scenario == raw ? c : batches == 0 ? null : (double)(after.ItemsRun - before.ItemsRun) / batches;
                results.Add(Print(measured with { AverageBatchSize = batchSize }));
            }
        }

        var run = new BenchRun(options, images, model, rawTarget.Target.Provider, device, results, checks, load);
        Console.WriteLine();
        Console.WriteLine(Report.Table(run));
        if (options.MarkdownPath is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var existing = File.Exists(path) ? await File.ReadAllTextAsync(path, CancellationToken.None) : "# Benchmarks\n";
            await File.WriteAllTextAsync(path, Report.ReplaceSection(existing, Report.Markdown(run)), CancellationToken.None);
            Console.WriteLine($"Wrote {path}.");
        }

        var errors = results.Sum(r => r.ErrorCount);
        if (errors > 0)
        {
            Console.Error.WriteLine($"bench: {errors} calls failed; see the errors above.");
            return 3;
        }

        return 0;
    }

    internal static Measurement Print(Measurement m)
    {
        var queue = double.IsNaN(m.QueueP50Ms) ? "" : $"  queue {m.QueueP50Ms:F1} ms";
        Console.WriteLine($"  {m.Scenario,-22} c={m.Concurrency,-3} {m.Images,6} images {m.ImagesPerSecond,6:F1}/s  "
            + $"p50 {m.P50Ms,6:F1} ms  p95 {m.P95Ms,6:F1} ms  p99 {m.P99Ms,6:F1} ms  compute {m.ComputeP50Ms:F1} ms{queue}  "
            + $"batch {m.AverageBatchSize:F2}  errors {m.ErrorCount}");
        foreach (var (error, count) in m.Errors)
        {
            Console.WriteLine($"    {count} × {error}");
        }

        return m;
    }

    /// <summary>This machine's load average over 1, 5 and 15 minutes, from /proc/loadavg.</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>The silo's first device as its <c>GET /v1/devices</c> reports it; throws when the silo has exited.</summary>
    internal static async Task<SiloDevice> GetDeviceAsync(HttpClient http, SiloProcess silo, CancellationToken cancellationToken)
    {
        if (silo.ExitCode is { } exit)
        {
            throw new InvalidOperationException($"Silo {silo.Name} exited with {exit}:\n{silo.Log}");
        }

        var devices = await http.GetFromJsonAsync<SiloDevice[]>(new Uri(silo.BaseAddress, "v1/devices"), SnakeCase, cancellationToken);
        return devices is [var first, ..] ? first : throw new InvalidOperationException("The silo reports no device.");
    }

    /// <summary>The silo's own inference settings, so (a) preprocesses and loads exactly as the silo does.</summary>
    internal static (InferenceOptions Inference, ModelOptions Model) ReadSiloSettings(string siloDll) =>
        SiloSettings.Read(Path.Combine(Path.GetDirectoryName(siloDll)!, "appsettings.json"), ModelName);

    /// <summary>The photos, without those <paramref name="check"/> refuses (reported).</summary>
    internal static ImageSet LoadImages(string folder, Action<byte[]> check)
    {
        var images = ImageSet.Load(folder, check);
        foreach (var leftOut in images.LeftOut)
        {
            Console.Error.WriteLine($"bench: left out {leftOut}");
        }

        return images;
    }

    /// <summary>The silo's Release build next to this one: the artifacts layout (--artifacts-path) or the classic bin/ layout.</summary>
    internal static string FindSiloDll()
    {
        var here = AppContext.BaseDirectory;
        string[] candidates =
        [
            Path.GetFullPath(Path.Combine(here, "..", "..", "Argus.Silo", "release", "Argus.Silo.dll")),
            Path.GetFullPath(Path.Combine(here, "..", "..", "..", "..", "..", "src", "Silo", "Argus.Silo", "bin", "Release", "net10.0", "Argus.Silo.dll")),
        ];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"No silo build found (looked for {string.Join(" and ", candidates)}): build src/Silo/Argus.Silo in Release or pass --silo PATH.");
    }
}
