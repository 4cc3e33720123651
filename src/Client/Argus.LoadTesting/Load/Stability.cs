namespace Argus.LoadTesting.Load;

/// <summary>When a load level's measurements have settled: perf_analyzer's rule.</summary>
public static class Stability
{
    /// <summary>How many of the latest windows must agree, and are reported merged.</summary>
    public const int Windows = 3;

    /// <summary>
    /// True when there are at least <see cref="Windows"/> windows and, over the last <see cref="Windows"/>, the
    /// throughput and the p95 latency each lie within <paramref name="percentage"/>% of their mean. A p95 of NaN (nothing
    /// answered) agrees only with NaN.
    /// </summary>
    public static bool IsStable(IReadOnlyList<(double Throughput, double P95Ms)> windows, double percentage)
    {
        if (windows.Count < Windows)
        {
            return false;
        }

        var last = windows.Skip(windows.Count - Windows).ToArray();
        return Agree([.. last.Select(w => w.Throughput)], percentage) && Agree([.. last.Select(w => w.P95Ms)], percentage);
    }

    private static bool Agree(double[] values, double percentage)
    {
        if (values.All(double.IsNaN))
        {
            return true;
        }

        if (values.Any(double.IsNaN))
        {
            return false;
        }

        var mean = values.Average();
        return values.All(v => Math.Abs(v - mean) <= Math.Abs(mean) * percentage / 100);
    }
}
