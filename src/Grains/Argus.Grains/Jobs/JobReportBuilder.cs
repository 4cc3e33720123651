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

    /// <summary>How many of the slowest items the report lists.</summary>
    public const int SlowestItems = 10;

    /// <summary>How many failed items the report shows per reason.</summary>
    public const int ExamplesPerReason = 3;

    /// <summary>How many labels the report names; the rest are summed in one row.</summary>
    public const int MaxLabels = 20;

    private readonly SortedDictionary<long, long> _perSecond = [];
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
            Intervals(_perSecond),
            [.. _batchSizes.OrderBy(b => b.Key).Select(b => new JobReportBatchSize(b.Key, b.Value))],
            latency,
            [.. _failures.OrderByDescending(f => f.Value.Items).ThenBy(f => f.Key, StringComparer.Ordinal)
                .Select(f => new JobReportFailure(f.Key, f.Value.Items, f.Value.Examples))],
            others > 0 ? [.. named, new JobReportLabel(JobReportLabel.Others, others)] : [.. named],
            [.. slowest]);
    }

    /// <summary>
    /// Per-second counts as at most <see cref="MaxIntervals"/> intervals of whole seconds from the first second to the
    /// last, the quiet ones included, so the chart's time axis is even.
    /// </summary>
    internal static IReadOnlyList<JobReportInterval> Intervals(IReadOnlyDictionary<long, long> perSecond)
    {
        if (perSecond.Count == 0)
        {
            return [];
        }

        var first = perSecond.Keys.Min();
        var span = perSecond.Keys.Max() - first + 1;
        var width = (span + MaxIntervals - 1) / MaxIntervals;
        var counts = new long[(span + width - 1) / width];
        foreach (var (second, items) in perSecond)
        {
            counts[(second - first) / width] += items;
        }

        return [.. counts.Select((items, i) => new JobReportInterval(DateTime.UnixEpoch.AddSeconds(first + (i * width)), width, items))];
    }

    /// <summary>The nearest-rank percentile <paramref name="p"/> of <paramref name="sorted"/>.</summary>
    internal static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private void Add(JobResult result)
    {
        var second = (long)Math.Floor((result.Started - DateTime.UnixEpoch).TotalSeconds);
        _perSecond[second] = _perSecond.GetValueOrDefault(second) + 1;
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
