using System.Diagnostics;
using Argus.Cameras;
using Argus.Client;

namespace Argus.Bench.Soak;

/// <summary>
/// Two cameras read by the cluster itself: vtest.avi as a looping file, and the same video as an HTTP MJPEG stream
/// (<see cref="StreamServer"/>), both through ResNet18 with a scene-change rule. Every 2 s: each camera's newest analysed
/// frame and the alerts it lists.
/// </summary>
internal sealed class SoakCameras(IArgusClient client, Stopwatch clock, DateTime startUtc)
{
    public static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(2);
    private readonly List<CameraSample> _samples = [];

    /// <summary>One camera at one sample: seconds into the load of its newest analysed frame, and the alert sequences it lists.</summary>
    /// <param name="Newest">Null while the camera could not be read, or had analysed nothing.</param>
    /// <param name="Error">Why it could not be read.</param>
    internal sealed record CameraSample(double Seconds, string Camera, double? Newest, long Analysed, long Failed, IReadOnlyList<long> Alerts, string? Error);

    public static string[] Ids => ["cam-file", "cam-stream"];

    public IReadOnlyList<CameraSample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    public async Task ConfigureAsync(string video, string streamUrl)
    {
        await client.ConfigureCameraAsync(Ids[0], Config(video) with { Loop = true });
        await client.ConfigureCameraAsync(Ids[1], Config(streamUrl));
    }

    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(SampleEvery);
        do
        {
            var samples = await Task.WhenAll(Ids.Select(SampleAsync));
            lock (_samples)
            {
                _samples.AddRange(samples);
            }
        }
        while (await Wait(timer, stop));
    }

    private static async Task<bool> Wait(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static CameraConfig Config(string source) => new()
    {
        Source = source,
        Models = ["resnet18"],
        TargetFps = 2,
        LatencyTargetMs = 1000,
        Rules = [new AlertRule("scene", AlertRuleKind.SceneChange, "resnet18", 0.06, 2, 3)],
    };

    private async Task<CameraSample> SampleAsync(string camera)
    {
        var seconds = clock.Elapsed.TotalSeconds;
        try
        {
            var stats = await client.GetCameraStatsAsync(camera).WaitAsync(TimeSpan.FromSeconds(5));
            var alerts = await client.GetRecentAlertsAsync(camera).WaitAsync(TimeSpan.FromSeconds(5));
            double? newest = stats.NewestAnalysed is { } n ? (n - startUtc).TotalSeconds : null;
            return new CameraSample(seconds, camera, newest, stats.Analysed, stats.Failed, [.. alerts.Select(a => a.Sequence)], null);
        }
        catch (Exception e)
        {
            return new CameraSample(seconds, camera, null, 0, 0, [], $"{e.GetType().Name}: {SoakCalls.Short(e.Message)}");
        }
    }
}
