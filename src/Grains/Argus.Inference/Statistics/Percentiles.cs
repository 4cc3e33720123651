namespace Argus.Inference.Statistics;

/// <summary>Percentiles of measured values (load reports, camera latencies).</summary>
public static class Percentiles
{
    /// <summary>
    /// The nearest-rank percentile of ascending values: the smallest value with at least <paramref name="percent"/>% of
    /// the values at or below it. NaN when there are none.
    /// </summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double percent)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
