using System.Diagnostics;
using System.Globalization;
using System.Text;
using Argus.Inference.Imaging;
using Argus.Inference.Models;
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
        List<(Measurement Calls, DeviceUse Devices)> results = [];
        // The silos serve ResNet18 alone (a hard-linked copy of the build whose settings keep only it): the other models
        // would take no calls, only start-up time and memory from the machine the silos share.
        var scratch = Directory.CreateTempSubdirectory("argus-cluster-");
        try
        {
            var (dll, _) = await StartupBench.CopySiloAsync(siloDll, Path.Combine(scratch.FullName, "silo"), [ModelName], cancellationToken);
            foreach (var size in options.ClusterSizes)
            {
                results.Add(await MeasureAsync(size, concurrency, dll, images, options, cancellationToken));
                var (m, d) = results[^1];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {size} silo(s), c={concurrency}: {m.ImagesPerSecond:F1} images/s, p50 {m.P50Ms:F1} ms, p95 {m.P95Ms:F1} ms, p99 {m.P99Ms:F1} ms, errors {m.ErrorCount}; " +
                    $"{d.ItemsPerBatch:F2} items/batch, device {d.DeviceMsPerItem:F1} ms/item, devices busy {d.Busy:P0}, silos {d.SiloCores:F2} cores"));
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

        return results.Sum(r => r.Calls.ErrorCount) == 0 ? 0 : 3;
    }

    /// <summary>
    /// What the devices did over a measurement, from the silos' own counters and CPU time: items per batch, device time
    /// per item (a batch's run over its items), the share of the time the devices were busy, and the cores the silo
    /// processes used. Together they tell whether a cluster size lost images/s to idle devices or to slower runs.
    /// </summary>
    private sealed record DeviceUse(double ItemsPerBatch, double DeviceMsPerItem, double Busy, double SiloCores);

    /// <summary>The counters <see cref="DeviceUse"/> is the difference of, summed over the silos.</summary>
    private sealed record DeviceCounters(double Items, double Batches, double BusySeconds, double CpuSeconds)
    {
        public static async Task<DeviceCounters> ReadAsync(IReadOnlyList<SiloProcess> silos, CancellationToken cancellationToken)
        {
            var scrapes = await Task.WhenAll(silos.Select(async silo =>
            {
                using var http = silo.CreateHttpClient();
                return PrometheusText.Parse(await http.GetStringAsync("metrics", cancellationToken));
            }));
            double Sum(string name) => scrapes.Sum(samples => samples.Where(s => s.Name == name).Sum(s => s.Value));
            return new(Sum("argus_inference_batch_size_sum"), Sum("argus_inference_batch_size_count"),
                Sum("argus_device_busy_time_seconds_total"), silos.Sum(s => StartupBench.CpuSeconds(s.Pid)));
        }

        public DeviceUse Since(DeviceCounters before, TimeSpan elapsed, int devices)
        {
            var items = Math.Max(1, Items - before.Items);
            return new(items / Math.Max(1, Batches - before.Batches), (BusySeconds - before.BusySeconds) * 1000 / items,
                (BusySeconds - before.BusySeconds) / (elapsed.TotalSeconds * devices), (CpuSeconds - before.CpuSeconds) / elapsed.TotalSeconds);
        }
    }

    private static async Task<(Measurement, DeviceUse)> MeasureAsync(
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
            var silos = starts.Select(s => s.Result).ToArray();
            var before = await DeviceCounters.ReadAsync(silos, cancellationToken);
            var clock = Stopwatch.StartNew();
            var calls = await new Scenario($"SDK → {size} silo(s)", new SdkTarget(client.Client, ModelName))
                .MeasureAsync(images, concurrency, options.Warmup, options.Window, cancellationToken);
            var after = await DeviceCounters.ReadAsync(silos, cancellationToken);
            return (calls, after.Since(before, clock.Elapsed, size));
        }
        finally
        {
            await Task.WhenAll(starts.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result.DisposeAsync().AsTask()));
        }
    }

    private static string Markdown(BenchOptions options, int concurrency, ImageSet images, IReadOnlyList<(Measurement Calls, DeviceUse Devices)> results)
    {
        var md = new StringBuilder();
        md.AppendLine("## SDK → cluster throughput: one silo, and several sharing its machine");
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
            compute and no speed-up is expected; the target is that they keep the one silo's images/s within 10 %.
            The columns after p99 come from the silos' own counters over the warm-up and the measured window together:
            **items/batch**, **device ms/item** (a batch's run time over its items: times the session's threads, the CPU
            one item's model run took), **busy** (the share of the time the devices were running a batch) and **silo
            cores** (the CPU the silo processes used, per second). Busy devices with more ms per item mean slower runs,
            idle devices mean a routing or admission loss.
            """);
        md.AppendLine();
        md.AppendLine("| Silos | Threads per session | c | Images | Errors | Images/s | p50 ms | p95 ms | p99 ms | Items/batch | Device ms/item | Busy | Silo cores |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var ((m, d), size) in results.Zip(options.ClusterSizes))
        {
            var threads = new InferenceOptions { SilosPerNode = size }.SessionThreads(Environment.ProcessorCount);
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {size} | {threads} | {m.Concurrency} | {m.Images} | {m.ErrorCount} | {m.ImagesPerSecond:F1} | {m.P50Ms:F1} | {m.P95Ms:F1} | {m.P99Ms:F1} | {d.ItemsPerBatch:F2} | {d.DeviceMsPerItem:F1} | {d.Busy:P0} | {d.SiloCores:F2} |");
        }

        var one = results.Select(r => r.Calls).Zip(options.ClusterSizes).FirstOrDefault(r => r.Second == 1).First;
        foreach (var (m, size) in results.Select(r => r.Calls).Zip(options.ClusterSizes).Where(r => r.Second > 1 && one is not null))
        {
            var ratio = m.ImagesPerSecond / one!.ImagesPerSecond;
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture,
                $"{size} silos answered {ratio:F2} × one silo's images/s: the target (≥ 0.90) is {Report.Verdict(ratio >= 0.9)}.");
        }

        return md.ToString();
    }
}
