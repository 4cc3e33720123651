using System.Threading.Channels;
using Argus.Cameras;
using Argus.Devices;
using Argus.Errors;
using Argus.Grains.Cameras;
using Argus.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenCvSharp;
using Orleans.Concurrency;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.Streams;
using Orleans.TestingHost;

namespace Argus.Grains.Tests.Cameras;

/// <summary>Camera grains on the two-silo test cluster, analysing with the text-direction classifier and its scores as features.</summary>
public sealed class CameraGrainTests(CameraClusterFixture fixture) : IClassFixture<CameraClusterFixture>
{
    private static readonly CameraConfig Config = new() { Models = ["text-direction"], TargetFps = 100, LatencyTargetMs = 30_000 };

    private IGrainFactory Grains => fixture.Cluster.GrainFactory;

    /// <summary>This test's first capture time: 10 s before its first frame is pushed, on the silos' clock.</summary>
    private DateTime? _t0;

    /// <summary>The clock the silos time frames by.</summary>
    private TimeProvider Clock => ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services.GetRequiredService<TimeProvider>();

    /// <summary>
    /// A frame captured <paramref name="second"/> s after this test's first: far enough apart never to be skipped, and
    /// still in the past (a frame from the future is refused) and within its latency target when pushed.
    /// </summary>
    private Immutable<Frame> Frame(byte[] image, int second = 0)
    {
        _t0 ??= Clock.GetUtcNow().UtcDateTime.AddSeconds(-10);
        return new Frame(image, _t0.Value.AddSeconds(second)).AsImmutable();
    }

    private static Task Until(ICameraGrain camera, Func<CameraStats, bool> condition, string what) =>
        Eventually.HoldsAsync(async () => condition(await camera.GetStatsAsync()), TimeSpan.FromSeconds(60), what);

    /// <summary>Waits until every silo's device serves: a frame analysed before would fail for want of a device.</summary>
    private async Task DevicesReadyAsync() => await Eventually.HoldsAsync(
        async () => (await Grains.GetGrain<IDeviceDirectoryGrain>(0).GetDevicesAsync()).Count == fixture.Cluster.Silos.Count,
        TimeSpan.FromSeconds(60), "every silo's device to report");

    [Fact]
    public async Task A_configured_camera_is_listed_and_analyses_its_frames_and_a_bad_frame_fails_alone()
    {
        await DevicesReadyAsync();
        var camera = Grains.GetGrain<ICameraGrain>("grain-a");
        await camera.ConfigureAsync(Config);

        Assert.Contains("grain-a", await Grains.GetGrain<ICameraRegistryGrain>(0).ListAsync());
        Assert.Equal(FrameOutcome.Accepted, await camera.PushFrameAsync(Frame(TestData.Image("imageTextN.png"))));
        await Until(camera, s => s.Analysed == 1, "the first frame to be analysed");
        Assert.Equal(FrameOutcome.Accepted, await camera.PushFrameAsync(Frame(TestData.CorruptPng(), 1)));
        await Until(camera, s => s.Failed == 1, "the corrupt frame to fail");
        Assert.Equal(FrameOutcome.Accepted, await camera.PushFrameAsync(Frame(TestData.Image("imageTextR.png"), 2)));
        await Until(camera, s => s.Analysed == 2, "the next frame to be analysed");

        var stats = await camera.GetStatsAsync();
        Assert.Equal((3L, 0L, 0L), (stats.Received, stats.Dropped, stats.Skipped));
        Assert.Contains(stats.Silo, fixture.Cluster.Silos.Select(s => s.Name));
        Assert.True(stats.P50Ms > 0 && stats.P99Ms >= stats.P50Ms, $"p50 {stats.P50Ms}, p99 {stats.P99Ms}");
    }

    [Fact]
    public async Task An_invalid_configuration_is_refused_with_every_problem_and_changes_nothing()
    {
        var camera = Grains.GetGrain<ICameraGrain>("grain-bad");

        var error = await Assert.ThrowsAsync<BadInputException>(() => camera.ConfigureAsync(Config with
        {
            Models = ["resnet18"],
            MaxInFlight = 0,
        }));

        Assert.Contains("unknown model 'resnet18' (served: text-direction, text-features)", error.Message);
        Assert.Contains("max_in_flight", error.Message);
        Assert.Null(await camera.GetConfigAsync());
        Assert.DoesNotContain("grain-bad", await Grains.GetGrain<ICameraRegistryGrain>(0).ListAsync());
        Assert.Equal(FrameOutcome.UnknownCamera, await camera.PushFrameAsync(Frame(TestData.Image("imageTextN.png"))));
    }

    [Fact]
    public async Task A_removed_camera_forgets_its_configuration_and_refuses_frames()
    {
        var camera = Grains.GetGrain<ICameraGrain>("grain-removed");
        await camera.ConfigureAsync(Config);

        await camera.RemoveAsync();
        await camera.RemoveAsync(); // removing twice does nothing

        Assert.Null(await camera.GetConfigAsync());
        Assert.DoesNotContain("grain-removed", await Grains.GetGrain<ICameraRegistryGrain>(0).ListAsync());
        Assert.Equal(FrameOutcome.UnknownCamera, await camera.PushFrameAsync(Frame(TestData.Image("imageTextN.png"))));
        Assert.Equal(0, (await camera.GetStatsAsync()).Received);
    }

    [Fact]
    public async Task The_configuration_outlives_the_activation()
    {
        var camera = Grains.GetGrain<ICameraGrain>("grain-kept");
        var config = Config with { TargetFps = 7, Rules = [] };
        await camera.ConfigureAsync(config);
        await camera.PushFrameAsync(Frame(TestData.Image("imageTextN.png")));
        var management = Grains.GetGrain<IManagementGrain>(0);

        // Statistics live in the activation only: a new activation (the keeper brings it back at once) counts from 0.
        await Eventually.HoldsAsync(async () =>
        {
            await management.ForceActivationCollection(TimeSpan.Zero);
            return (await camera.GetStatsAsync()).Received == 0;
        }, TimeSpan.FromSeconds(30), "the camera to be deactivated and activated again");

        var kept = await camera.GetConfigAsync();
        Assert.Equal(7, kept!.TargetFps);
        Assert.Equal(config.Models, kept.Models);
        Assert.Contains("grain-kept", await Grains.GetGrain<ICameraRegistryGrain>(0).ListAsync());
    }

    [Fact]
    public async Task An_activation_whose_write_lost_to_another_publishes_nothing_and_the_next_reads_what_won()
    {
        await DevicesReadyAsync();
        var camera = Grains.GetGrain<ICameraGrain>("grain-superseded");
        await camera.ConfigureAsync(Config with
        {
            Models = [ClusterFixture.Features],
            Rules = [new AlertRule("turned", AlertRuleKind.SceneChange, ClusterFixture.Features, 0.5, K: 1, N: 1)],
        });
        var published = Channel.CreateUnbounded<Alert>();
        await fixture.Cluster.Client.GetStreamProvider(AlertStreams.Provider)
            .GetStream<Alert>(StreamId.Create(AlertStreams.Namespace, "grain-superseded"))
            .SubscribeAsync((alert, _) => published.Writer.WriteAsync(alert).AsTask());

        // Upright text sets the rule's baseline; the camera stores it within its save interval.
        using var line = TestData.TextLine();
        using var flipped = line.Flip(FlipMode.XY);
        await camera.PushFrameAsync(Frame(line.ImEncode(".png")));
        var storage = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services
            .GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var stored = new GrainState<CameraState>();
        await Eventually.HoldsAsync(async () =>
        {
            await storage.ReadStateAsync("camera", camera.GetGrainId(), stored);
            return stored.State is { } state && state.Rules.TryGetValue("turned", out var rule) && rule.Baseline is not null;
        }, TimeSpan.FromSeconds(60), "the rule's baseline to be stored");

        // Another activation of the camera (one cut off from the cluster, still reaching storage) writes the state.
        await storage.WriteStateAsync("camera", camera.GetGrainId(), stored);

        // Upside-down text raises alert 1 in this activation, whose write then fails: it publishes nothing, lists nothing, and
        // goes (the keeper brings the camera back at once, from the stored state).
        var upsideDown = flipped.ImEncode(".png");
        await camera.PushFrameAsync(Frame(upsideDown, 1));
        await Eventually.HoldsAsync(async () => (await camera.GetStatsAsync()).Received == 0, TimeSpan.FromSeconds(60),
            "the camera to be activated again");
        Assert.Empty(await camera.GetRecentAlertsAsync());

        // The new activation raises alert 1 again, from the stored baseline, and publishes it: the first alert out.
        var turned = Frame(upsideDown, 2);
        await camera.PushFrameAsync(turned);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var first = await published.Reader.ReadAsync(timeout.Token);
        Assert.Equal((1L, turned.Value.CapturedAt), (first.Sequence, first.CapturedAt));
        Assert.Equal([1L], (await camera.GetRecentAlertsAsync()).Select(a => a.Sequence));
    }
}
