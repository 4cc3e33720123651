using Argus.LoadTesting.Targets;

namespace Argus.LoadTesting.Load;

/// <summary>A device that answered during a step, and how many images.</summary>
public sealed record DeviceUse(DeviceInfo Device, long Images);

/// <summary>
/// One load level as measured: the last <see cref="Stability.Windows"/> windows merged (fewer when fewer were measured).
/// Rates are per image; shares are of every image sent in those windows.
/// </summary>
/// <param name="Mode">Closed or open loop.</param>
/// <param name="Load">The level: callers, or requests per second offered.</param>
/// <param name="Stats">The merged windows.</param>
/// <param name="Stable">Whether the stability rule held before the trials ran out.</param>
/// <param name="Trials">Windows measured.</param>
/// <param name="Devices">The devices that answered, with their kinds.</param>
/// <param name="SloMs">The latency objective goodput counts against.</param>
/// <param name="ImagesPerRequest">Images per request.</param>
public sealed record StepResult(
    LoadMode Mode, double Load, WindowStats Stats, bool Stable, int Trials, IReadOnlyList<DeviceUse> Devices, double SloMs, int ImagesPerRequest)
{
    /// <summary>Images answered per second (perf_analyzer's infer/s).</summary>
    public double InferPerSecond => Stats.Throughput;

    /// <summary>Requests answered per second.</summary>
    public double RequestsPerSecond => Stats.Throughput / ImagesPerRequest;

    /// <summary>Latency percentiles of the answered images, ms.</summary>
    public double P50Ms => Stats.LatencyMs(50);

    /// <inheritdoc cref="P50Ms" />
    public double P90Ms => Stats.LatencyMs(90);

    /// <inheritdoc cref="P50Ms" />
    public double P95Ms => Stats.LatencyMs(95);

    /// <inheritdoc cref="P50Ms" />
    public double P99Ms => Stats.LatencyMs(99);

    /// <summary>Share of the images sent that were answered within <see cref="SloMs"/>.</summary>
    public double GoodputShare => Share(Stats.AnsweredWithin(SloMs));

    /// <summary>Images answered within <see cref="SloMs"/> per second.</summary>
    public double GoodputPerSecond => Stats.Duration > TimeSpan.Zero ? Stats.AnsweredWithin(SloMs) / Stats.Duration.TotalSeconds : 0;

    /// <summary>Share of the images sent that were refused for load (HTTP 429, an overloaded device).</summary>
    public double RejectedShare => Share(Stats.Rejected);

    /// <summary>Share of the images sent that failed otherwise.</summary>
    public double ErrorShare => Share(Stats.Failed);

    /// <summary>Share of the images the client dropped (open loop, too many outstanding).</summary>
    public double DroppedShare => Share(Stats.Dropped);

    /// <summary>Items per batch on the devices, from the answers; NaN when nothing was answered.</summary>
    public double AverageBatchSize => Stats.AverageBatchSize;

    /// <summary>Average time an answered image waited in the device's queue, ms.</summary>
    public double AverageQueueMs => Stats.QueueMs.Length > 0 ? Stats.QueueMs.Average() : double.NaN;

    /// <summary>Average run time of the batch an answered image rode in, ms.</summary>
    public double AverageComputeMs => Stats.ComputeMs.Length > 0 ? Stats.ComputeMs.Average() : double.NaN;

    /// <summary>The kinds of the devices that answered, sorted (e.g. <c>cpu</c>, <c>sim</c>).</summary>
    public IReadOnlyList<string> DeviceKinds => [.. Devices.Select(d => d.Device.Kind).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>True when a simulated device answered any of it.</summary>
    public bool Simulated => Devices.Any(d => d.Device.IsSimulated);

    private double Share(long images) => Stats.Sent > 0 ? (double)images / Stats.Sent : 0;
}
