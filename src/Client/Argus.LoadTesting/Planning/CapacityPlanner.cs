using System.Globalization;
using Argus.Inference.Simulation;

namespace Argus.LoadTesting.Planning;

/// <summary>
/// Answers "which batch size keeps p95 under the target, how many items a second does a device then serve, and how
/// many devices does a rate need" from a device's latency curve. A pure function: the same curve and targets give the
/// same plan.
/// </summary>
/// <remarks>
/// <para>
/// For a batch size b with batch time L(b) the planner takes the batching window d = L(b). Near capacity a batch's
/// b − 1 batch-mates arrive within (b − 1)/b·L(b) of its first item on average, so a window of one batch time closes
/// on full batches, with room for arrivals that come in clumps; a shorter window starts part-full batches and loses
/// throughput where it is needed, a longer one adds waiting without adding any. At low rates the window costs an item
/// at most one batch time. A batch of one is full on arrival and has no window (d = 0).
/// </para>
/// <para>
/// The estimated p95 is d + 2·L(b): an item waits up to the window for batch-mates, finds the device has just started
/// another batch (up to L(b)), then runs in its own (L(b)). Each part is taken at its worst, so this bounds the p95,
/// and the p99, while a device's queue holds no more than the batch being formed: a steady stream below capacity, one
/// model on the device. It uses mean batch times; a profile's jitter (2% for the textbook GPU) is small against that
/// slack. It does not hold while arrivals outrun the device, even briefly: the queue then grows for as long as they
/// do, which is why devices are planned at no more than <see cref="PlannedUtilisation"/> and queues are bounded.
/// </para>
/// </remarks>
public static class CapacityPlanner
{
    /// <summary>The largest share of a device's capacity a plan counts on, leaving the rest for bursts.</summary>
    public const double PlannedUtilisation = 0.8;

    /// <summary>Batch sizes whose throughput is within this share of the best count as equal; the smallest wins.</summary>
    public const double ThroughputTolerance = 0.02;

    /// <summary>Plans one device kind for a p95 target and, optionally, a rate.</summary>
    /// <param name="profile">The device's latency curve.</param>
    /// <param name="p95TargetMs">The p95 latency target in milliseconds.</param>
    /// <param name="targetRate">Items per second to serve; null plans one device without a device count.</param>
    /// <param name="maxBatchSize">The largest batch to consider; default twice the profile's width.</param>
    /// <exception cref="ArgumentOutOfRangeException">A target or rate not positive, or a batch limit below 1.</exception>
    public static CapacityPlan Plan(LatencyProfile profile, double p95TargetMs, double? targetRate = null, int? maxBatchSize = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (!(p95TargetMs > 0) || !double.IsFinite(p95TargetMs))
        {
            throw new ArgumentOutOfRangeException(nameof(p95TargetMs), p95TargetMs, "The p95 target must be a positive number of milliseconds.");
        }

        if (targetRate is { } r && (!(r > 0) || !double.IsFinite(r)))
        {
            throw new ArgumentOutOfRangeException(nameof(targetRate), r, "The target rate must be a positive number of items per second.");
        }

        if (maxBatchSize is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize, "The batch limit must be at least 1.");
        }

        var candidates = Enumerable.Range(1, maxBatchSize ?? 2 * profile.Width)
            .Select(b => Candidate(profile, b, p95TargetMs))
            .ToArray();
        var recommended = Recommend(candidates);
        var fastest = candidates.MinBy(c => c.EstimatedP95Ms)!;
        var choice = recommended ?? fastest;
        var queueBound = QueueBound(choice, p95TargetMs);
        var devices = targetRate is { } rate ? Devices(choice, rate) : null;
        return new CapacityPlan(
            profile.Name, p95TargetMs, candidates, recommended, fastest, queueBound, devices,
            Advise(recommended, fastest, queueBound, devices, p95TargetMs));
    }

    /// <summary>One batch size: its batch time, throughput, window and estimated p95.</summary>
    internal static BatchCandidate Candidate(LatencyProfile profile, int batchSize, double p95TargetMs)
    {
        var batchMs = profile.BatchLatency(batchSize).TotalMilliseconds;
        var maxDelayMs = batchSize == 1 ? 0 : batchMs;
        var p95 = maxDelayMs + 2 * batchMs;
        return new BatchCandidate(batchSize, batchMs, profile.Throughput(batchSize), maxDelayMs, p95, p95 <= p95TargetMs);
    }

    /// <summary>The highest-throughput candidate that fits, the smallest among those within the tolerance; null when none fits.</summary>
    internal static BatchCandidate? Recommend(IReadOnlyList<BatchCandidate> candidates)
    {
        var fitting = candidates.Where(c => c.Fits).OrderBy(c => c.BatchSize).ToArray();
        if (fitting.Length == 0)
        {
            return null;
        }

        var best = fitting.Max(c => c.ItemsPerSecond);
        return fitting.First(c => c.ItemsPerSecond >= best * (1 - ThroughputTolerance));
    }

    /// <summary>
    /// The most items a device may queue so that the last of them still finishes within the target: it waits for the
    /// running batch, then for the full batches ahead of it and its own, so b·⌊T/L(b) − 1⌋. At least one batch.
    /// </summary>
    internal static int QueueBound(BatchCandidate option, double p95TargetMs)
    {
        // The small epsilon keeps a target of exactly k batch times from losing a batch to rounding.
        var batches = (int)Math.Floor(p95TargetMs / option.BatchMs - 1 + 1e-9);
        return option.BatchSize * Math.Max(1, batches);
    }

    /// <summary>Devices for a rate, each at no more than <see cref="PlannedUtilisation"/> of its capacity.</summary>
    internal static DevicePlan Devices(BatchCandidate option, double targetRate)
    {
        var devices = Math.Max(1, (int)Math.Ceiling(targetRate / (PlannedUtilisation * option.ItemsPerSecond)));
        return new DevicePlan(targetRate, devices, targetRate / (devices * option.ItemsPerSecond));
    }

    private static string[] Advise(
        BatchCandidate? recommended, BatchCandidate fastest, int queueBound, DevicePlan? devices, double p95TargetMs)
    {
        var choice = recommended ?? fastest;
        List<string> advice = [];
        if (recommended is null)
        {
            advice.Add(string.Create(CultureInfo.InvariantCulture,
                $"Nothing fits: no batch size keeps the estimated p95 within {p95TargetMs:0.#} ms; the lowest is batch {fastest.BatchSize} at {fastest.EstimatedP95Ms:0.#} ms. Relax the target, or use a faster device or a smaller model; the rest of this plan uses batch {fastest.BatchSize}."));
        }

        advice.Add(string.Create(CultureInfo.InvariantCulture,
            $"Configure MaxBatchSize {choice.BatchSize} and MaxDelayMs {choice.MaxDelayMs:0.#}: near {choice.ItemsPerSecond:0} img/s a device gathers a full batch in about one batch time, and a quieter stream waits at most {choice.MaxDelayMs:0.#} ms for batch-mates."));
        advice.Add(string.Create(CultureInfo.InvariantCulture,
            $"Bound each device's queue at {Count(queueBound, "item")} (QueueCapacity, per tenant and lane): that many finish within {p95TargetMs:0.#} ms behind a running batch. Beyond the bound Argus answers 429 with Retry-After, so a burst is refused at once instead of making every queued request late."));
        var capacity = choice.ItemsPerSecond * (devices?.Devices ?? 1);
        if (devices is not null)
        {
            advice.Add(string.Create(CultureInfo.InvariantCulture,
                $"{devices.TargetRate:0.#} img/s needs {Count(devices.Devices, "device")} at {devices.Utilisation:0.#%} of {choice.ItemsPerSecond:0} img/s each: devices are planned at no more than {PlannedUtilisation:0%} of capacity, leaving {capacity - devices.TargetRate:0} img/s for bursts."));
        }

        advice.Add(string.Create(CultureInfo.InvariantCulture,
            $"Bursty traffic: batching gives {Count(devices?.Devices ?? 1, "device")} no more than {capacity:0} img/s; beyond that the queues grow by the excess every second. The controls are the queue bound (429 + Retry-After beyond it, so callers back off) and autoscaling on queue depth: add devices when a device's queue stays above one batch ({Count(choice.BatchSize, "item")}), which it does not while it keeps up."));
        return [.. advice];
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
