using Argus.Jobs;

namespace Argus.Grains.Jobs;

/// <summary>
/// Folds a job's result rows and failures into a <see cref="JobReport"/>: the rows are read one by one and not kept, so
/// a report of a large job holds only its per-second counts, latencies and the few rows it shows.
/// </summary>
internal sealed class JobReportBuilder
{
    /// <summary>The throughput chart's most intervals: a longer run gets longer intervals.</summary>
    public const int MaxIntervals = 60;

    /// <summary>The shortest interval, so a job of a few seconds still draws a curve.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    /// <summary>How many of the slowest items the report lists.</summary>
    public const int SlowestItems = 10;

    /// <summary>How many failed items the report shows per reason.</summary>
    public const int ExamplesPerReason = 3;

    /// <summary>How many labels the report names; the rest are summed in one row.</summary>
    public const int MaxLabels = 20;

    private readonly Dictionary<long, long> _perTick = [];
    private readonly Dictionary<int, long> _batchSizes = [];
    private readonly List<double> _latencies = [];
    private readonly Dictionary<string, long> _labels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Items, List<JobReportFailedItem> Examples)> _failures = new(StringComparer.Ordinal);

    // The slowest so far, fastest on top, so a slower row replaces the top.
    private readonly PriorityQueue<JobResult, double> _slowest = new();
    private double _queue;
    private double _compute;
    private int _shards;

    /// <summary>Adds one shard's result rows and failures.</summary>
    public void AddShard(IEnumerable<JobResult> results, IEnumerable<JobFailure> failures)
    {
        foreach (var result in results)
        {
            Add(result);
        }

        foreach (var failure in failures)
        {
            Add(failure);
        }

        _shards++;
    }

    /// <summary>The report of what was added, with <paramref name="status"/>.</summary>
    public JobReport Build(JobStatus status)
    {
        var sorted = _latencies.Order().ToArray();
        var n = sorted.Length;
        var latency = n == 0 ? null : new JobReportLatency(
            Percentile(sorted, 0.50), Percentile(sorted, 0.90), Percentile(sorted, 0.99), sorted[^1], _queue / n, _compute / n);
        var slowest = _slowest.UnorderedItems.Select(e => e.Element).OrderByDescending(r => r.LatencyMs).ThenBy(r => r.Item, StringComparer.Ordinal)
            .Select(r => new JobReportItem(r.Item, r.Shard, r.Started, r.LatencyMs, r.QueueMs, r.ComputeMs, r.BatchSize));
        var labels = _labels.OrderByDescending(l => l.Value).ThenBy(l => l.Key, StringComparer.Ordinal).ToList();
        var named = labels.Take(MaxLabels).Select(l => new JobReportLabel(l.Key, l.Value));
        var others = labels.Skip(MaxLabels).Sum(l => l.Value);
        return new JobReport(
            status,
            _shards,
            n,
            Intervals(_perTick),
            [.. _batchSizes.OrderBy(b => b.Key).Select(b => new JobReportBatchSize(b.Key, b.Value))],
            latency,
            [.. _failures.OrderByDescending(f => f.Value.Items).ThenBy(f => f.Key, StringComparer.Ordinal)
                .Select(f => new JobReportFailure(f.Key, f.Value.Items, f.Value.Examples))],
            others > 0 ? [.. named, new JobReportLabel(JobReportLabel.Others, others)] : [.. named],
            [.. slowest]);
    }

    /// <summary>
    /// Counts per <see cref="Tick"/> (since the Unix epoch) as at most <see cref="MaxIntervals"/> intervals from the first
    /// tick to the last, the quiet ones included so the time axis is even; an interval is a round number of ticks
    /// (1, 2 or 5 times a power of ten).
    /// </summary>
    internal static IReadOnlyList<JobReportInterval> Intervals(IReadOnlyDictionary<long, long> perTick)
    {
        if (perTick.Count == 0)
        {
            return [];
        }

        var first = perTick.Keys.Min();
        var span = perTick.Keys.Max() - first + 1;
        var width = 1L;
        for (var power = 1L; span > width * MaxIntervals; power *= 10)
        {
            width = new[] { power, 2 * power, 5 * power }.First(w => span <= w * MaxIntervals || w == 5 * power);
        }

        var counts = new long[(span + width - 1) / width];
        foreach (var (tick, items) in perTick)
        {
            counts[(tick - first) / width] += items;
        }

        var seconds = (Tick * width).TotalSeconds;
        return [.. counts.Select((items, i) => new JobReportInterval(DateTime.UnixEpoch + (Tick * (first + (i * width))), seconds, items))];
    }

    /// <summary>The nearest-rank percentile <paramref name="p"/> of <paramref name="sorted"/>.</summary>
    internal static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private void Add(JobResult result)
    {
        var tick = (result.Started - DateTime.UnixEpoch).Ticks / Tick.Ticks;
        _perTick[tick] = _perTick.GetValueOrDefault(tick) + 1;
        _batchSizes[result.BatchSize] = _batchSizes.GetValueOrDefault(result.BatchSize) + 1;
        _latencies.Add(result.LatencyMs);
        _queue += result.QueueMs;
        _compute += result.ComputeMs;
        if (result.Result.Classes is { Count: > 0 } classes)
        {
            var top = classes.MaxBy(c => c.Score)!.Label;
            _labels[top] = _labels.GetValueOrDefault(top) + 1;
        }

        if (_slowest.Count < SlowestItems)
        {
            _slowest.Enqueue(result, result.LatencyMs);
        }
        else if (_slowest.TryPeek(out _, out var fastest) && result.LatencyMs > fastest)
        {
            _slowest.DequeueEnqueue(result, result.LatencyMs);
        }
    }

    private void Add(JobFailure failure)
    {
        var (items, examples) = _failures.TryGetValue(failure.Reason, out var known) ? known : (0, []);
        if (examples.Count < ExamplesPerReason)
        {
            examples.Add(new JobReportFailedItem(failure.Item, failure.Message, failure.Attempts));
        }

        _failures[failure.Reason] = (items + 1, examples);
    }
}
