using System.Diagnostics.Metrics;
using Argus.Inference.Batching;
using Argus.Inference.Devices;
using Argus.Inference.Statistics;

namespace Argus.Inference.Telemetry;

/// <summary>
/// Argus' inference instruments on the <see cref="ArgusTelemetry.MeterName"/> meter. Durations are in seconds and named
/// <c>….duration</c>, as OpenTelemetry's conventions ask (Prometheus shows them as <c>…_duration_seconds</c>). Queue
/// depth and device busy time are read from the batchers when a reader collects, so a scrape sees the queues as they
/// are at that moment rather than a sample taken earlier.
/// </summary>
public sealed class InferenceInstruments
{
    /// <summary>Histogram bounds for latencies, in seconds: 1 ms to 10 s (OpenTelemetry's default bounds suit milliseconds).</summary>
    public static readonly IReadOnlyList<double> LatencyBuckets =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5, 5, 10];

    /// <summary>Histogram bounds for batch sizes.</summary>
    private static readonly int[] BatchSizeBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    /// <summary>The span a device's utilization gauge is measured over, at least.</summary>
    public static readonly TimeSpan UtilizationSpan = TimeSpan.FromSeconds(10);

    private readonly Counter<long> _items;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _queue;
    private readonly Histogram<double> _preprocess;
    private readonly Histogram<double> _compute;
    private readonly Histogram<int> _batchSize;
    private readonly Lock _gate = new();
    private readonly List<(InferenceDevice Device, UtilizationWindow Utilization)> _devices = [];

    /// <summary>Creates the instruments on the factory's <see cref="ArgusTelemetry.MeterName"/> meter.</summary>
    public InferenceInstruments(IMeterFactory meters)
    {
        var meter = meters.Create(ArgusTelemetry.MeterName);
        _items = meter.CreateCounter<long>(
            "argus.inference.items", "{item}",
            "Items a device finished, by outcome (success, failure) and, for failures, reason.");
        _duration = Latency(meter, "argus.inference.duration",
            "From an item's arrival at its device to its result: header check, decoding, queue, batch and postprocessing.");
        _queue = Latency(meter, "argus.inference.queue.duration", "From an item's admission to the start of its batch.");
        _preprocess = Latency(meter, "argus.inference.preprocess.duration",
            "Time the device spent decoding its batch's images before running it (zero when callers decoded them).");
        _compute = Latency(meter, "argus.inference.compute.duration", "The model run of the batch the item rode in.");
        _batchSize = meter.CreateHistogram(
            "argus.inference.batch.size", "{item}", "Items per batch the device ran: one count per batch.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchSizeBuckets });
        meter.CreateObservableGauge(
            "argus.inference.queue.depth", ObserveQueueDepth, "{item}",
            "Items waiting in a device's queue for a model and lane, counted under the batcher's lock when read.");
        meter.CreateObservableCounter(
            "argus.device.busy.time", ObserveBusyTime, "s",
            "Time a device spent preparing and running batches, the running batch included.");
        meter.CreateObservableCounter(
            "argus.stage.cpu.time", ObserveStages, "s",
            "CPU time the silo's threads spent in each serving stage's timed sections (only with Argus:Inference:StageTiming).");
        meter.CreateObservableGauge(
            "argus.device.utilization", ObserveUtilization, "1",
            $"A device's busy share over the last {UtilizationSpan.TotalSeconds:F0} s at least (since the previous reading when readings are further apart).");
    }

    /// <summary>Reads <paramref name="device"/>'s queues and busy time from now on.</summary>
    public void Track(InferenceDevice device)
    {
        lock (_gate)
        {
            _devices.Add((device, new UtilizationWindow(UtilizationSpan)));
        }
    }

    /// <summary>Records an item that got its result.</summary>
    public void ItemSucceeded(InferenceLabels labels, BatchLane lane, TimeSpan duration, BatchItemResult result)
    {
        var tags = labels.With(lane);
        _queue.Record(result.QueueTime.TotalSeconds, tags);
        _preprocess.Record(result.PrepareTime.TotalSeconds, tags);
        _compute.Record(result.ComputeTime.TotalSeconds, tags);
        _duration.Record(duration.TotalSeconds, tags);
        tags.Add("outcome", "success");
        _items.Add(1, tags);
    }

    /// <summary>Records an item that failed, with a snake_case <paramref name="reason"/> (e.g. <c>queue_full</c>).</summary>
    public void ItemFailed(InferenceLabels labels, BatchLane lane, string reason, TimeSpan duration)
    {
        var tags = labels.With(lane);
        _duration.Record(duration.TotalSeconds, tags);
        tags.Add("outcome", "failure");
        tags.Add("reason", reason);
        _items.Add(1, tags);
    }

    /// <summary>Records a batch as it was formed.</summary>
    internal void BatchRan(InferenceLabels labels, BatchLane lane, int size) => _batchSize.Record(size, labels.With(lane));

    private static Histogram<double> Latency(Meter meter, string name, string description) => meter.CreateHistogram(
        name, "s", description, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });

    private (InferenceDevice Device, UtilizationWindow Utilization)[] Devices()
    {
        lock (_gate)
        {
            return [.. _devices];
        }
    }

    private IEnumerable<Measurement<int>> ObserveQueueDepth()
    {
        foreach (var (device, _) in Devices())
        {
            foreach (var model in device.Models)
            {
                var depths = device.Batcher.QueueDepths(model.Queue);
                for (var lane = 0; lane < depths.Length; lane++)
                {
                    yield return new Measurement<int>(depths[lane], model.Queue.Labels.With((BatchLane)lane));
                }
            }
        }
    }

    private static IEnumerable<Measurement<double>> ObserveStages()
    {
        if (!StageClock.Enabled)
        {
            yield break;
        }

        foreach (var stage in Enum.GetValues<ServingStage>())
        {
            yield return new Measurement<double>(StageClock.Seconds(stage), new KeyValuePair<string, object?>("stage", stage.ToString().ToLowerInvariant()));
        }
    }

    private IEnumerable<Measurement<double>> ObserveBusyTime() =>
        Devices().Select(d => new Measurement<double>(d.Device.Batcher.GetStats().Busy.TotalSeconds, DeviceTags(d.Device)));

    private IEnumerable<Measurement<double>> ObserveUtilization() => Devices().Select(d =>
    {
        var stats = d.Device.Batcher.GetStats();
        return new Measurement<double>(d.Utilization.Observe(stats.Uptime, stats.Busy), DeviceTags(d.Device));
    });

    private static KeyValuePair<string, object?>[] DeviceTags(InferenceDevice device) =>
        [new("device", device.Name), new("device_kind", device.Target.Kind)];
}
