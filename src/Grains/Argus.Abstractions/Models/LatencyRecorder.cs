namespace Argus.Models;

/// <summary>
/// Counts latencies into the buckets of <see cref="LatencyHistogram"/> from any number of threads without a lock, and
/// hands them over a window at a time with <see cref="Take"/>.
/// </summary>
public sealed class LatencyRecorder
{
    private readonly long[] _counts = new long[LatencyHistogram.BucketCount];
    private long _sumTicks;

    /// <summary>Counts one latency.</summary>
    public void Record(TimeSpan latency) => Record(latency.TotalMilliseconds);

    /// <summary>Counts one latency in milliseconds; NaN and negatives count as 0.</summary>
    public void Record(double milliseconds)
    {
        Interlocked.Increment(ref _counts[LatencyHistogram.BucketOf(milliseconds)]);
        Interlocked.Add(ref _sumTicks, LatencyHistogram.TicksOf(milliseconds));
    }

    /// <summary>
    /// The latencies counted since the last call, and a fresh start. Each bucket is taken and zeroed at once, so a latency
    /// recorded meanwhile lands in this window or the next, never in both or neither; only its share of the mean may
    /// fall in the other window.
    /// </summary>
    public LatencyHistogram Take()
    {
        Span<long> counts = stackalloc long[_counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Interlocked.Exchange(ref _counts[i], 0);
        }

        return LatencyHistogram.FromDense(counts, TimeSpan.FromTicks(Interlocked.Exchange(ref _sumTicks, 0)));
    }
}
