using System.Diagnostics;
using System.Globalization;
using System.Text;
using Argus.Cameras;
using Argus.Client;
using Argus.Testing;
using OpenCvSharp;

namespace Argus.Bench;

/// <summary>
/// N cameras at 5 fps against one silo serving ResNet18, N rising to 24, well past what the device analyses: on a sim
/// device at ResNet18's cost on a 2-core CPU (<see cref="SimFrameMs"/> a frame, one at a time), whose capacity stays put
/// on a machine shared with other work, or with <c>--cameras-cpu</c> on this machine's CPU; each camera is fed the real pedestrian video (vtest.avi) through the SDK's PushFrameAsync, paced at 5 fps
/// with capture times, and analysed with a scene-change rule. Per N, after the cameras' shares settle: the share of each
/// camera's frames in the window analysed within the target, the p95 each camera reports, the analysed fps per camera (min, median, max, spread), the frames dropped (shed over a camera's share, or
/// stale) and those failed. Written to the <c>cameras</c> section.
/// </summary>
internal static class CameraBench
{
    internal const double Fps = 5;
    internal const double TargetMs = 200;
    internal const string Video = "vtest.avi";

    /// <summary>ResNet18 per image on 2 cores with 2 intra-op threads, at any batch size (PLATFORM.md): about 47 frames/s.</summary>
    internal const double SimFrameMs = 21;

    /// <summary>The least warm-up per N: the cameras' shares settle within seconds (<c>FrameShare</c>).</summary>
    internal static readonly TimeSpan Settling = TimeSpan.FromSeconds(10);

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// One N as measured: each camera's statistics when the window opened and when it closed, and the share of each
    /// camera's frames analysed in the window that came back within <see cref="TargetMs"/>.
    /// </summary>
    private sealed record Step(
        int Cameras, IReadOnlyList<CameraStats> Before, IReadOnlyList<CameraStats> After, TimeSpan Window, IReadOnlyList<double> OnTime)
    {
        /// <summary>The camera with the fewest frames on time in the window: its share.</summary>
        public double WorstOnTime => OnTime.Min();

        public double WorstP95 => After.Max(s => s.P95Ms);

        public double MedianP95 => Median(After.Select(s => s.P95Ms));

        public IReadOnlyList<double> FpsPerCamera =>
            [.. After.Select((s, i) => (s.Analysed - Before[i].Analysed) / Window.TotalSeconds).Order()];

        public double AnalysedFps => FpsPerCamera.Sum();

        /// <summary>How unevenly the cameras analysed: the standard deviation of their fps over its mean (0 when even).</summary>
        public double FpsSpread
        {
            get
            {
                var fps = FpsPerCamera;
                var mean = fps.Average();
                return mean == 0 ? 0 : Math.Sqrt(fps.Average(f => (f - mean) * (f - mean))) / mean;
            }
        }

        public long Received => Delta(s => s.Received);

        public long Dropped => Delta(s => s.Dropped + s.Skipped);

        public long Failed => Delta(s => s.Failed);

        public double DropShare => Received == 0 ? 0 : (double)Dropped / Received;

        /// <summary>Every camera's p95 in the window within the target (95 % of its frames on time), analysing, nothing failed.</summary>
        public bool Holds => WorstOnTime >= 0.95 && FpsPerCamera[0] > 0 && Failed == 0;

        private long Delta(Func<CameraStats, long> counter) => After.Select((s, i) => counter(s) - counter(Before[i])).Sum();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var siloDll = options.SiloDll ?? Bench.FindSiloDll();
        var frames = Frames(Path.Combine(options.ImagesDir, Video), count: 100);
        Console.WriteLine($"{frames.Count} frames of {Video}, {frames.Average(f => f.Length) / 1024:F0} KiB each on average.");
        int[] levels = [1, 2, 4, 8, 12, 16, 20, 24];

        var profile = Path.Combine(Path.GetTempPath(), $"argus-cameras-{Environment.ProcessId}.json");
        await File.WriteAllTextAsync(profile, $$"""{ "name": "resnet18-cpu", "latencyMs": { "1": {{SimFrameMs.ToString(Invariant)}} } }""", cancellationToken);
        Dictionary<string, string> settings = options.CamerasOnCpu ? [] : new()
        {
            ["Argus__Inference__Sim__Devices"] = "1",
            ["Argus__Inference__Sim__Profile"] = profile,
        };
        await using var silo = await SiloProcess.StartAsync("cameras-0", settings, TimeSpan.FromMinutes(5), siloDll);
        await using var client = await ClientHost.StartAsync(o => o.GatewayPorts = [silo.GatewayPort], cancellationToken);
        List<Step> steps = [];
        foreach (var n in levels)
        {
            var step = await MeasureAsync(client.Client, silo, n, frames, options, cancellationToken);
            steps.Add(step);
            var fps = step.FpsPerCamera;
            Console.WriteLine(string.Create(Invariant,
                $"  {n} camera(s): on time in the window (worst camera) {step.WorstOnTime:P1}; p95 since start worst {step.WorstP95:F1} ms, median {step.MedianP95:F1} ms; fps per camera {fps[0]:F2}/{Median(fps):F2}/{fps[^1]:F2} (spread {step.FpsSpread:P0}), analysed {step.AnalysedFps:F1} of {n * Fps:F0}; dropped {step.DropShare:P1}, failed {step.Failed}"));
        }
        File.Delete(profile);
        var markdown = Markdown(options, frames, steps);
        Console.WriteLine(markdown);
        if (options.MarkdownPath is { } path)
        {
            var existing = File.Exists(path) ? await File.ReadAllTextAsync(path, CancellationToken.None) : "# Benchmarks\n";
            await File.WriteAllTextAsync(path, Report.ReplaceSection(existing, markdown, "cameras"), CancellationToken.None);
            Console.WriteLine($"Wrote {path}.");
        }

        return 0;
    }

    /// <summary>The first frames of the video, encoded as a camera would send them (JPEG, quality 85).</summary>
    internal static IReadOnlyList<byte[]> Frames(string path, int count)
    {
        using var capture = new VideoCapture(path);
        using var frame = new Mat();
        List<byte[]> frames = [];
        while (frames.Count < count && capture.Read(frame) && !frame.Empty())
        {
            frames.Add(frame.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 85)));
        }

        return frames.Count > 0 ? frames : throw new InvalidDataException($"{path} gave no frames.");
    }

    private static async Task<Step> MeasureAsync(
        IArgusClient client, SiloProcess silo, int n, IReadOnlyList<byte[]> frames, BenchOptions options, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var ids = Enumerable.Range(0, n).Select(i => $"bench-{n}-{i}").ToArray();
        foreach (var id in ids)
        {
            await client.ConfigureCameraAsync(id, Config);
        }

        try
        {
            // Warm-up, then the window; each camera starts at its own phase of the 200 ms period, as real cameras do.
            var warmup = options.Warmup > Settling ? options.Warmup : Settling;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var feeders = ids.Select((id, i) => FeedAsync(client, id, frames, TimeSpan.FromMilliseconds(1000 / Fps * i / n), stop.Token)).ToArray();
            await Task.Delay(warmup, cancellationToken);
            var before = await Task.WhenAll(ids.Select(client.GetCameraStatsAsync));
            var latenciesBefore = await LatenciesAsync(http, cancellationToken);
            var opened = Stopwatch.GetTimestamp();
            await Task.Delay(options.Window, cancellationToken);
            var after = await Task.WhenAll(ids.Select(client.GetCameraStatsAsync));
            var latenciesAfter = await LatenciesAsync(http, cancellationToken);
            var window = Stopwatch.GetElapsedTime(opened);
            await stop.CancelAsync();
            await Task.WhenAll(feeders);
            return new Step(n, before, after, window, [.. ids.Select(id => OnTime(latenciesBefore, latenciesAfter, id))]);
        }
        finally
        {
            foreach (var id in ids)
            {
                await client.RemoveCameraAsync(id);
            }
        }
    }

    /// <summary>The silo's histogram of frame latencies (<c>argus_camera_frame_duration_seconds</c>), every camera's.</summary>
    private static async Task<IReadOnlyList<Sample>> LatenciesAsync(HttpClient http, CancellationToken cancellationToken) =>
        [.. PrometheusText.Parse(await http.GetStringAsync("metrics", cancellationToken)).Where(s => s.Name.StartsWith("argus_camera_frame_duration_seconds", StringComparison.Ordinal))];

    /// <summary>
    /// Of the frames <paramref name="camera"/> had analysed between the two scrapes, the share that came back within
    /// <see cref="TargetMs"/> (the histogram has a bucket bound there); 1 when it analysed none.
    /// </summary>
    private static double OnTime(IReadOnlyList<Sample> before, IReadOnlyList<Sample> after, string camera)
    {
        var bound = (TargetMs / 1000).ToString(Invariant);
        double Delta(string name, params (string, string)[] labels) =>
            after.Where(s => s.Name == name && s.Has([("camera", camera), .. labels])).Sum(s => s.Value)
            - before.Where(s => s.Name == name && s.Has([("camera", camera), .. labels])).Sum(s => s.Value);
        var analysed = Delta("argus_camera_frame_duration_seconds_count");
        return analysed == 0 ? 1 : Delta("argus_camera_frame_duration_seconds_bucket", ("le", bound)) / analysed;
    }

    /// <summary>A bench camera: ResNet18 with a scene-change rule at <see cref="Fps"/>, its deadline <see cref="TargetMs"/>.</summary>
    internal static CameraConfig Config { get; } = new()
    {
        Models = ["resnet18"],
        TargetFps = Fps,
        LatencyTargetMs = TargetMs,
        Rules = [new AlertRule("scene", AlertRuleKind.SceneChange, "resnet18", 0.06, 2, 3)],
    };

    /// <summary>Pushes frames at <see cref="Fps"/> until cancelled; capture time is the moment each frame is due.</summary>
    internal static async Task FeedAsync(IArgusClient client, string camera, IReadOnlyList<byte[]> frames, TimeSpan phase, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(phase, cancellationToken);
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / Fps));
            var index = 0;
            do
            {
                await client.PushFrameAsync(camera, frames[index++ % frames.Count], DateTime.UtcNow);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the window is over
        }
    }

    private static string Markdown(BenchOptions options, IReadOnlyList<byte[]> frames, IReadOnlyList<Step> steps)
    {
        var md = new StringBuilder();
        var device = options.CamerasOnCpu
            ? "ResNet18 on the CPU"
            : $"a sim device at ResNet18's CPU cost ({SimFrameMs:G} ms a frame, one at a time: {1000 / SimFrameMs:F0} frames/s)";
        md.AppendLine(Invariant, $"## Cameras: N cameras at 5 fps, one silo, {device}, past saturation").AppendLine();
        md.AppendLine(Invariant, $"Command: `{options.Command}`. Taken {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores ({Report.CpuModel()}), the load generator, the");
        md.AppendLine(Invariant, $"silo and its device on this one machine. Each camera is fed {Video}'s frames (768×576 JPEG, {frames.Average(f => f.Length) / 1024:F0} KiB) through the SDK's");
        md.AppendLine(Invariant, $"`PushFrameAsync` at {Fps:G} fps with capture times, analysed by ResNet18 (embedding) with a scene-change rule, target fps {Fps:G},");
        md.AppendLine(Invariant, $"one frame in flight, latency target {TargetMs:G} ms (each frame's deadline). Each N has new cameras, {(options.Warmup > Settling ? options.Warmup : Settling).TotalSeconds:G} s for their shares to");
        md.AppendLine(Invariant, $"settle, then {options.Window.TotalSeconds:G} s measured: fps, drops, failures and frames on time are the window's; **on time**: of the");
        md.AppendLine(Invariant, $"frames a camera analysed in the window, the share within {TargetMs:G} ms (the silo's `argus_camera_frame_duration_seconds` histogram, whose");
        md.AppendLine(Invariant, $"bucket bound at {TargetMs / 1000:G} s makes it exact), for the camera with the fewest; its p95 is within {TargetMs:G} ms when that is at least 95 %.");
        md.AppendLine("**p95 since start** is each camera's own (its last 512 frames, settling included). Dropped counts frames shed over a");
        md.AppendLine("camera's share or stale, of those pushed. **Spread**: the standard deviation of the cameras' fps over their mean.").AppendLine();
        md.AppendLine("| Cameras | On time in the window, worst camera | p95 since start, worst camera ms | median camera ms | fps per camera min / median / max | Spread | Analysed fps (of offered) | Dropped | Failed | Holds |");
        md.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var s in steps)
        {
            var fps = s.FpsPerCamera;
            md.AppendLine(Invariant,
                $"| {s.Cameras} | {s.WorstOnTime:P1} | {s.WorstP95:F1} | {s.MedianP95:F1} | {fps[0]:F2} / {Median(fps):F2} / {fps[^1]:F2} | {s.FpsSpread:P0} | {s.AnalysedFps:F1} ({s.Cameras * Fps:F0}) | {s.DropShare:P1} | {s.Failed} | {(s.Holds ? "yes" : "no")} |");
        }

        md.AppendLine();
        md.AppendLine(Invariant, $"Holds: in the window, every camera's p95 ≤ {TargetMs:G} ms (at least 95 % on time), every camera analysing, no frame failed. Past the device's");
        md.AppendLine("capacity (ResNet18 costs about 21 ms a frame on a quiet 2-core CPU, plus decoding) each camera keeps to its share, found from");
        md.AppendLine("its own frames' latencies (additive increase, multiplicative decrease) and its peers' mean share on the silo (a late frame");
        md.AppendLine("cuts a camera at or over the mean, spares one under it): frames over it are shed before they are sent, and the device's");
        md.AppendLine("frames are shared evenly among the cameras.");
        return md.ToString();
    }
}
