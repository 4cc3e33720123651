namespace Argus.Models;

/// <summary>
/// Latencies counted in fixed logarithmic buckets: what a silo or a client records for one model version over a short
/// window (see <see cref="LatencyRecorder"/>) and ships to the grain that compares versions, where windows and sources
/// merge by adding counts, so a cluster's percentile needs no raw latencies.
/// </summary>
/// <remarks>
/// <para>
/// The buckets are those of DDSketch with a relative accuracy <see cref="RelativeError"/> of 2.5 %: bucket <c>i</c>
/// (1 and up) holds (<see cref="MinMs"/>·γ^(i−1), <see cref="MinMs"/>·γ^i] with γ = (1 + α)/(1 − α) ≈ 1.0513, about 5 %
/// wide, and stands for 2·MinMs·γ^i/(γ + 1), which is within α of every value it holds. 326 such buckets span 0.05 ms
/// (below the timer's resolution for a network call) to 10 minutes (beyond any deadline a caller may set); one bucket
/// below holds everything up to 0.05 ms, one above everything beyond. So a <see cref="Quantile"/> is within 2.5 % of
/// the exact nearest-rank percentile of the values recorded, whatever their spread, and a merge loses nothing.
/// </para>
/// <para>
/// Only buckets that hold values travel, as ascending <see cref="Buckets"/> with their <see cref="Counts"/>: an empty
/// window is two empty arrays, and a version's latencies, which span a factor of ten or so, take some fifty buckets.
/// </para>
/// </remarks>
[GenerateSerializer, Immutable, Alias("Argus.Models.LatencyHistogram")]
public sealed record LatencyHistogram
{
    /// <summary>The upper bound of the lowest bucket, in milliseconds: latencies up to it are counted as "at most this".</summary>
    public const double MinMs = 0.05;

    /// <summary>The latency up to which <see cref="Quantile"/> keeps its relative error, in milliseconds: 10 minutes.</summary>
    public const double MaxMs = 600_000;

    /// <summary>The largest relative error of a <see cref="Quantile"/> between <see cref="MinMs"/> and <see cref="MaxMs"/>.</summary>
    public const double RelativeError = 0.025;

    private static readonly double Growth = (1 + RelativeError) / (1 - RelativeError);
    private static readonly double LogGrowth = Math.Log(Growth);
    private static readonly int Regular = (int)Math.Ceiling(Math.Log(MaxMs / MinMs) / LogGrowth);

    /// <summary>The upper bound of the highest regular bucket: at least <see cref="MaxMs"/>.</summary>
    private static readonly double TopMs = MinMs * Math.Pow(Growth, Regular);

    /// <summary>Buckets in all: the one up to <see cref="MinMs"/>, the regular ones, the one beyond them.</summary>
    internal static readonly int BucketCount = Regular + 2;

    /// <summary>A histogram that holds nothing.</summary>
    public static LatencyHistogram Empty { get; } = new();

    /// <summary>The buckets that hold latencies, ascending.</summary>
    [Id(0)] public int[] Buckets { get; private init; } = [];

    /// <summary>How many latencies each of <see cref="Buckets"/> holds, each at least one.</summary>
    [Id(1)] public long[] Counts { get; private init; } = [];

    /// <summary>The sum of the latencies, each limited to 0 to 10 minutes, for <see cref="MeanMs"/>.</summary>
    [Id(2)] public TimeSpan Sum { get; private init; }

    /// <summary>How many latencies the histogram holds.</summary>
    public long Count
    {
        get
        {
            long count = 0;
            foreach (var c in Counts)
            {
                count += c;
            }

            return count;
        }
    }

    /// <summary>The mean latency in milliseconds (exact, not bucketed); NaN when empty.</summary>
    public double MeanMs
    {
        get
        {
            var count = Count;
            return count == 0 ? double.NaN : Sum.TotalMilliseconds / count;
        }
    }

    /// <summary>
    /// The nearest-rank <paramref name="q"/>-quantile (the smallest latency with at least that share of the latencies at
    /// or below it) in milliseconds, within <see cref="RelativeError"/> of the exact one: <see cref="MinMs"/> where that
    /// latency is below it, about <see cref="MaxMs"/> (a lower bound) where it is beyond. NaN when empty.
    /// </summary>
    /// <param name="q">0 to 1: 0.95 for the p95.</param>
    public double Quantile(double q)
    {
        if (!(q is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "A quantile is from 0 to 1.");
        }

        var count = Count;
        if (count == 0)
        {
            return double.NaN;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(q * count));
        long seen = 0;
        for (var i = 0; i < Buckets.Length; i++)
        {
            seen += Counts[i];
            if (seen >= rank)
            {
                return ValueOf(Buckets[i]);
            }
        }

        return ValueOf(Buckets[^1]);
    }

    /// <summary>This histogram and <paramref name="other"/> as one: what recording both sets of latencies into one gives.</summary>
    public LatencyHistogram Merge(LatencyHistogram other)
    {
        if (other.Buckets.Length == 0)
        {
            return this;
        }

        if (Buckets.Length == 0)
        {
            return other;
        }

        var buckets = new List<int>(Buckets.Length + other.Buckets.Length);
        var counts = new List<long>(buckets.Capacity);
        int a = 0, b = 0;
        while (a < Buckets.Length || b < other.Buckets.Length)
        {
            var next = Math.Min(a < Buckets.Length ? Buckets[a] : int.MaxValue, b < other.Buckets.Length ? other.Buckets[b] : int.MaxValue);
            long count = 0;
            if (a < Buckets.Length && Buckets[a] == next)
            {
                count += Counts[a++];
            }

            if (b < other.Buckets.Length && other.Buckets[b] == next)
            {
                count += other.Counts[b++];
            }

            buckets.Add(next);
            counts.Add(count);
        }

        return new() { Buckets = [.. buckets], Counts = [.. counts], Sum = Sum + other.Sum };
    }

    /// <summary>Equal buckets, counts and sum.</summary>
    public bool Equals(LatencyHistogram? other) =>
        other is not null && Sum == other.Sum && Buckets.AsSpan().SequenceEqual(other.Buckets) && Counts.AsSpan().SequenceEqual(other.Counts);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Count, Sum);

    /// <summary>The bucket that counts a latency of <paramref name="ms"/> milliseconds; NaN and negatives count as 0.</summary>
    internal static int BucketOf(double ms) =>
        !(ms > MinMs) ? 0
        : !(ms <= TopMs) ? BucketCount - 1
        : Math.Clamp((int)Math.Ceiling(Math.Log(ms / MinMs) / LogGrowth), 1, Regular);

    /// <summary>A latency of <paramref name="ms"/> milliseconds as it adds to <see cref="Sum"/>: limited to 0 to 10 minutes.</summary>
    internal static long TicksOf(double ms) => (long)(Math.Clamp(double.IsNaN(ms) ? 0 : ms, 0, MaxMs) * TimeSpan.TicksPerMillisecond);

    /// <summary>The histogram of dense per-bucket counts (<see cref="BucketCount"/> of them) and their sum.</summary>
    internal static LatencyHistogram FromDense(ReadOnlySpan<long> counts, TimeSpan sum)
    {
        var held = 0;
        foreach (var c in counts)
        {
            held += c > 0 ? 1 : 0;
        }

        if (held == 0)
        {
            return Empty;
        }

        var buckets = new int[held];
        var sparse = new long[held];
        for (int i = 0, j = 0; i < counts.Length; i++)
        {
            if (counts[i] > 0)
            {
                buckets[j] = i;
                sparse[j++] = counts[i];
            }
        }

        return new() { Buckets = buckets, Counts = sparse, Sum = sum };
    }

    /// <summary>The latency a bucket stands for: the one within <see cref="RelativeError"/> of all it holds.</summary>
    private static double ValueOf(int bucket) =>
        bucket <= 0 ? MinMs
        : bucket > Regular ? TopMs
        : 2 * MinMs * Math.Pow(Growth, bucket) / (Growth + 1);
}
