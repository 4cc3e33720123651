using System.Globalization;
using System.Text;
using Argus.Inference.Imaging;
using Argus.LoadTesting.Targets;
using Argus.Testing;

namespace Argus.Bench;

/// <summary>
/// SDK → cluster throughput: for each cluster size, a real redis-server and that many silo processes on this machine,
/// and closed-loop callers of the SDK's routed calls (ResNet18). Written to its own section of the markdown.
/// </summary>
internal static class ClusterBench
{
    private const string ModelName = "resnet18";

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var siloDll = options.SiloDll ?? Bench.FindSiloDll();
        var (inference, model) = Bench.ReadSiloSettings(siloDll);
        var preprocessor = new ImagePreprocessor(model.Preprocess);
        var images = Bench.LoadImages(options.ImagesDir, image => preprocessor.Process(image, inference.Images));
        var concurrency = options.Concurrency.Max();
        List<Measurement> results = [];
        // The silos serve ResNet18 alone (a hard-linked copy of the build whose settings keep only it): the other models
        // would take no calls, only start-up time and memory from the machine the silos share.
        var scratch = Directory.CreateTempSubdirectory("argus-cluster-");
        try
        {
            var (dll, _) = await StartupBench.CopySiloAsync(siloDll, Path.Combine(scratch.FullName, "silo"), [ModelName], cancellationToken);
            foreach (var size in options.ClusterSizes)
            {
                results.Add(await MeasureAsync(size, concurrency, dll, images, options, cancellationToken));
                var m = results[^1];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {size} silo(s), c={concurrency}: {m.ImagesPerSecond:F1} images/s, p50 {m.P50Ms:F1} ms, p95 {m.P95Ms:F1} ms, p99 {m.P99Ms:F1} ms, errors {m.ErrorCount}"));
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }

        if (options.MarkdownPath is { } path)
        {
            var existing = File.Exists(path) ? await File.ReadAllTextAsync(path, CancellationToken.None) : "# Benchmarks\n";
            await File.WriteAllTextAsync(path, Report.ReplaceSection(existing, Markdown(options, concurrency, images, results), "cluster"), CancellationToken.None);
            Console.WriteLine($"Wrote {path}.");
        }

        return results.Sum(r => r.ErrorCount) == 0 ? 0 : 3;
    }

    private static async Task<Measurement> MeasureAsync(
        int size, int concurrency, string siloDll, ImageSet images, BenchOptions options, CancellationToken cancellationToken)
    {
        await using var redis = await RedisServer.StartAsync();
        // As an operator would declare them: the silos on this machine split its cores between their sessions.
        var settings = new Dictionary<string, string>
        {
            ["Argus__Redis"] = redis.ConnectionString,
            ["Argus__Inference__SilosPerNode"] = size.ToString(CultureInfo.InvariantCulture),
        };
        var starts = Enumerable.Range(0, size)
            .Select(i => SiloProcess.StartAsync($"bench-{i}", settings, TimeSpan.FromMinutes(3), siloDll)).ToArray();
        try
        {
            await Task.WhenAll(starts);
            await using var client = await ClientHost.StartAsync(o => o.Redis = redis.ConnectionString, cancellationToken);
            await Eventually.HoldsAsync(async () => (await client.Client.GetDevicesAsync(cancellationToken)).Count == size,
                TimeSpan.FromSeconds(30), $"the {size} devices to report");
            return await new Scenario($"SDK → {size} silo(s)", new SdkTarget(client.Client, ModelName))
                .MeasureAsync(images, concurrency, options.Warmup, options.Window, cancellationToken);
        }
        finally
        {
            await Task.WhenAll(starts.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result.DisposeAsync().AsTask()));
        }
    }

    private static string Markdown(BenchOptions options, int concurrency, ImageSet images, IReadOnlyList<Measurement> results)
    {
        var md = new StringBuilder();
        md.AppendLine("## SDK → cluster throughput, one and three silos");
        md.AppendLine();
        md.AppendLine("Written by `bench/Argus.Bench`; rerun the command below rather than editing by hand.");
        md.AppendLine();
        md.AppendLine($"Command: `{options.Command}`");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"""
            For each cluster size: a real `redis-server` and that many silo processes on this machine serving {ModelName} alone, and {concurrency} closed-loop
            callers of `IArgusClient.InferAsync("{ModelName}", [jpeg])` (routed: the less loaded of two sampled devices) over the
            same {images.All.Count} photos; {options.Warmup.TotalSeconds:0.#} s warm-up, {options.Window.TotalSeconds:0.#} s measured.
            Each silo is told how many silos share the machine (`Argus:Inference:SilosPerNode`), so its sessions take
            that share of the cores (`IntraOpThreads` 0: the cores ÷ silos, at least one).
            Machine: {Environment.ProcessorCount} cores ({Report.CpuModel()}), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average
            {Bench.LoadAverage()} at the end. The silos share the machine's cores, so on a CPU-only machine more silos add no
            compute: no speed-up is expected, only the cost of routing and of the extra processes shows; the target is that
            they keep the one silo's images/s within 10 %.
            """);
        md.AppendLine();
        md.AppendLine("| Silos | c | Images | Errors | Images/s | p50 ms | p95 ms | p99 ms |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (m, size) in results.Zip(options.ClusterSizes))
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {size} | {m.Concurrency} | {m.Images} | {m.ErrorCount} | {m.ImagesPerSecond:F1} | {m.P50Ms:F1} | {m.P95Ms:F1} | {m.P99Ms:F1} |");
        }

        var one = results.Zip(options.ClusterSizes).FirstOrDefault(r => r.Second == 1).First;
        foreach (var (m, size) in results.Zip(options.ClusterSizes).Where(r => r.Second > 1 && one is not null))
        {
            var ratio = m.ImagesPerSecond / one!.ImagesPerSecond;
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture,
                $"{size} silos answered {ratio:F2} × one silo's images/s: the target (≥ 0.90) is {Report.Verdict(ratio >= 0.9)}.");
        }

        return md.ToString();
    }
}
