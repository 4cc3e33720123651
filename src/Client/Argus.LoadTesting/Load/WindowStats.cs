using Argus.Inference.Statistics;

namespace Argus.LoadTesting.Load;

/// <summary>
/// What one measurement window saw of the images of the requests sent in it: every image counts once, answered,
/// refused for load, failed, or dropped by the client before it was sent.
/// </summary>
/// <param name="Duration">How long the window was open for sending.</param>
/// <param name="LatenciesMs">Latency of each image answered, ascending (its request's round trip).</param>
/// <param name="QueueMs">Each answered image's time in the device's queue, as the device reports it, ascending.</param>
/// <param name="ComputeMs">Each answered image's batch run time, as the device reports it, ascending.</param>
/// <param name="Batches">Batches the answered images rode in: the sum of 1/batch size over them.</param>
/// <param name="Rejected">Images refused for load (HTTP 429, an overloaded device).</param>
/// <param name="Failed">Images that failed for any other reason.</param>
/// <param name="Dropped">Images the client dropped because too many requests were outstanding.</param>
/// <param name="Errors">Failures by kind and message.</param>
/// <param name="Devices">Answered images by the device that ran them.</param>
public sealed record WindowStats(
    TimeSpan Duration, double[] LatenciesMs, double[] QueueMs, double[] ComputeMs, double Batches,
    long Rejected, long Failed, long Dropped, IReadOnlyDictionary<string, long> Errors, IReadOnlyDictionary<string, long> Devices)
{
    /// <summary>Images answered.</summary>
    public long Answered => LatenciesMs.Length;

    /// <summary>Every image of the window, whatever became of it.</summary>
    public long Sent => Answered + Rejected + Failed + Dropped;

    /// <summary>Images answered per second.</summary>
    public double Throughput => Duration > TimeSpan.Zero ? Answered / Duration.TotalSeconds : 0;

    /// <summary>The nearest-rank latency percentile of the answered images; NaN when none was answered.</summary>
    public double LatencyMs(double percent) => Percentiles.NearestRank(LatenciesMs, percent);

    /// <summary>Images answered within <paramref name="sloMs"/>.</summary>
    public long AnsweredWithin(double sloMs) => LatenciesMs.LongCount(l => l <= sloMs);

    /// <summary>Items per batch the devices ran, from the answered images' batch sizes; NaN when none was answered.</summary>
    public double AverageBatchSize => Batches > 0 ? Answered / Batches : double.NaN;

    /// <summary>The windows as one: durations, counts and values added up.</summary>
    public static WindowStats Merge(IReadOnlyList<WindowStats> windows) => new(
        TimeSpan.FromTicks(windows.Sum(w => w.Duration.Ticks)),
        Sorted(windows.SelectMany(w => w.LatenciesMs)), Sorted(windows.SelectMany(w => w.QueueMs)), Sorted(windows.SelectMany(w => w.ComputeMs)),
        windows.Sum(w => w.Batches), windows.Sum(w => w.Rejected), windows.Sum(w => w.Failed), windows.Sum(w => w.Dropped),
        Add(windows.Select(w => w.Errors)), Add(windows.Select(w => w.Devices)));

    internal static double[] Sorted(IEnumerable<double> values)
    {
        var array = values.ToArray();
        Array.Sort(array);
        return array;
    }

    private static Dictionary<string, long> Add(IEnumerable<IReadOnlyDictionary<string, long>> counts)
    {
        Dictionary<string, long> sum = [];
        foreach (var (key, count) in counts.SelectMany(c => c))
        {
            sum[key] = sum.GetValueOrDefault(key) + count;
        }

        return sum;
    }
}
