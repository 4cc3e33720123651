using Argus.Inference.Statistics;
using Argus.LoadTesting.Load;

namespace Argus.Bench;

/// <summary>One scenario at one concurrency, as measured.</summary>
/// <param name="Images">Images answered, of the calls sent inside the window.</param>
/// <param name="Errors">Failed or refused images (warm-up and window alike), by kind and message.</param>
/// <param name="Window">How long the window was open.</param>
/// <param name="QueueP50Ms">Median per-image queue time.</param>
/// <param name="ComputeP50Ms">Median per-image batch run time.</param>
internal sealed record Measurement(
    string Scenario, int Concurrency, long Images, IReadOnlyDictionary<string, long> Errors, TimeSpan Window,
    double P50Ms, double P95Ms, double P99Ms, double QueueP50Ms, double ComputeP50Ms)
{
    /// <summary>Items per batch the model ran during this measurement (the silo's counters, or the cycle size for (a)).</summary>
    public double? AverageBatchSize { get; init; }

    public long ErrorCount => Errors.Values.Sum();

    public double ImagesPerSecond => Images / Window.TotalSeconds;

    /// <summary>The measured window, with the failures of the warm-up before it; a refusal for load counts as a failure here.</summary>
    public static Measurement From(string scenario, int concurrency, WindowStats warmup, WindowStats window)
    {
        var failures = WindowStats.Merge([warmup, window]);
        var errors = new Dictionary<string, long>(failures.Errors);
        if (failures.Rejected > 0)
        {
            errors["Overloaded (429 / OverloadedException)"] = failures.Rejected;
        }

        return new Measurement(
            scenario, concurrency, window.Answered, errors, window.Duration, window.LatencyMs(50), window.LatencyMs(95), window.LatencyMs(99),
            Percentiles.NearestRank(window.QueueMs, 50), Percentiles.NearestRank(window.ComputeMs, 50));
    }
}
