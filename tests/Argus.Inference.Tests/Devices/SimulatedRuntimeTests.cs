using Argus.Inference.Batching;
using Argus.Inference.Devices;
using Argus.Inference.Models;
using Argus.Inference.Simulation;
using Argus.Inference.Telemetry;
using Argus.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Argus.Inference.Tests.Devices;

/// <summary>
/// A runtime of two simulated devices whose profile is slow (100 ms a batch, one item wide), so items queue and an unload
/// has something to drain; versions loaded at run time come from the shipped models folder.
/// </summary>
public sealed class SimulatedRuntimeFixture : IDisposable
{
    public SimulatedRuntimeFixture()
    {
        new LatencyProfile("slow", new Dictionary<int, double> { [1] = 100 }).Save(SlowProfile);
        Host = new RuntimeHost(new InferenceOptions
        {
            Sim = new SimulationOptions { Devices = 2, Profile = SlowProfile },
            Models = [Version("1", path: "models/ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx")],
        });
    }

    public string SlowProfile { get; } = Path.Combine(Path.GetTempPath(), $"argus-slow-{Guid.NewGuid():N}.json");

    public RuntimeHost Host { get; }

    /// <summary>text-direction, one item per batch; its path relative to the default model root unless given.</summary>
    public static ModelOptions Version(string version, string path = "ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx", string? simProfile = null) => new()
    {
        Name = "text-direction", Version = version, Path = path, Task = ModelTask.Classification, TopK = 2, Softmax = false,
        Preprocess = CpuRuntimeFixture.TextDirectionInput, Batching = new BatchingOptions { MaxBatchSize = 1 }, SimProfile = simProfile,
    };

    public void Dispose()
    {
        Host.Dispose();
        File.Delete(SlowProfile);
    }
}

public sealed class SimulatedRuntimeTests(SimulatedRuntimeFixture fixture) : IClassFixture<SimulatedRuntimeFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private DeviceRuntime Runtime => fixture.Host.Runtime;

    private static Task<ItemOutcome> InferAsync(InferenceDevice device, LoadedModel model) => device.InferAsync(
        model, null, new float[model.Input.ItemLength], BatchLane.Interactive, BatchTenant.None, RuntimeHost.Deadline, raw: false, CancellationToken.None);

    [Fact]
    public async Task An_unload_runs_every_queued_item_then_the_version_is_gone_from_every_device()
    {
        Assert.True(await Runtime.LoadAsync(SimulatedRuntimeFixture.Version("drain"), CancellationToken.None));
        var versions = Runtime.Devices.Select(d => (Device: d, Model: d.FindModel("text-direction", "drain")!)).ToList();
        var items = versions.SelectMany(v => Enumerable.Range(0, 5).Select(_ => InferAsync(v.Device, v.Model))).ToList();
        await Eventually.HoldsAsync(
            () => Task.FromResult(versions.All(v => v.Device.Batcher.QueueDepths(v.Model.Queue).Sum() >= 3)), Wait, "items queued on both devices");

        var unload = Runtime.UnloadAsync("text-direction", "drain", CancellationToken.None);

        // Taken out at once, while what is queued still runs.
        Assert.All(Runtime.Devices, d => Assert.Null(d.FindModel("text-direction", "drain")));
        Assert.False(unload.IsCompleted);
        var late = await InferAsync(versions[0].Device, versions[0].Model);
        Assert.Equal("model_unloaded", late.Failure?.Reason);

        Assert.True(await unload.WaitAsync(Wait));
        // The unload waits for the last batch to leave the version; each call returns a moment later, once counted.
        var outcomes = await Task.WhenAll(items).WaitAsync(Wait);
        Assert.All(outcomes, o => Assert.Null(o.Failure));
        Assert.All(fixture.Host.Loaded(), d => Assert.Equal(["text-direction v1"], d));
    }

    [Fact]
    public async Task A_version_on_the_failing_profile_loads_and_fails_every_item_alone_as_a_model_error()
    {
        var broken = SimulatedRuntimeFixture.Version("broken", simProfile: "failing");
        broken.Batching.MaxBatchSize = 4;
        Assert.True(await Runtime.LoadAsync(broken, CancellationToken.None));
        try
        {
            var outcomes = await Task.WhenAll(Runtime.Devices.SelectMany(d =>
                Enumerable.Range(0, 4).Select(_ => InferAsync(d, d.FindModel("text-direction", "broken")!))));

            Assert.All(outcomes, o => Assert.Equal((ItemFailureKind.ModelError, "model_error"), (o.Failure!.Kind, o.Failure.Reason)));
            var healthy = await InferAsync(Runtime.Devices[0], Runtime.Devices[0].FindModel("text-direction")!);
            Assert.Null(healthy.Failure);
        }
        finally
        {
            await Runtime.UnloadAsync("text-direction", "broken", CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_version_loaded_at_run_time_may_name_a_shipped_profile_but_not_a_file()
    {
        var e = await Assert.ThrowsAsync<ModelLoadException>(() =>
            Runtime.LoadAsync(SimulatedRuntimeFixture.Version("file", simProfile: fixture.SlowProfile), CancellationToken.None));

        Assert.Contains($"No latency profile '{fixture.SlowProfile}'", e.Message);
        Assert.All(fixture.Host.Loaded(), d => Assert.Equal(["text-direction v1"], d));
    }

    [Fact]
    public async Task The_queue_depth_gauge_follows_the_versions_loaded_now()
    {
        using var depth = new MetricCollector<int>(fixture.Host.Meters, ArgusTelemetry.MeterName, "argus.inference.queue.depth");
        string[] Versions()
        {
            depth.RecordObservableInstruments();
            return [.. depth.GetMeasurementSnapshot(clear: true).Select(m => $"{m.Tags["device"]} v{m.Tags["version"]}").Distinct().Order()];
        }

        Assert.Equal(["sim0 v1", "sim1 v1"], Versions());
        Assert.True(await Runtime.LoadAsync(SimulatedRuntimeFixture.Version("gauged"), CancellationToken.None));
        Assert.Equal(["sim0 v1", "sim0 vgauged", "sim1 v1", "sim1 vgauged"], Versions());
        Assert.True(await Runtime.UnloadAsync("text-direction", "gauged", CancellationToken.None));
        Assert.Equal(["sim0 v1", "sim1 v1"], Versions());
    }
}
