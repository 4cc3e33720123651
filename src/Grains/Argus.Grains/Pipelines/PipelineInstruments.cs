using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Argus.Inference.Telemetry;

namespace Argus.Grains.Pipelines;

/// <summary>
/// The pipelines' final-lag SLO on the <see cref="ArgusTelemetry.MeterName"/> meter, labelled by pipeline: each item's
/// final lag (Prometheus: <c>argus_pipeline_final_lag_seconds</c>, whose p95 is the SLO's figure), the finals that
/// missed their deadline, and the items pending on this silo with the age of the oldest, read when a reader collects;
/// what the pipelines' webhooks delivered: items the receivers took (answered 2xx) and posts that failed; and the items
/// their retention removed.
/// </summary>
internal sealed class PipelineInstruments
{
    /// <summary>Histogram bounds for final lags, in seconds: a fast-tier final (tens of ms) to an hour.</summary>
    private static readonly double[] LagBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600];

    private readonly Histogram<double> _lag;
    private readonly Counter<long> _late;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _expired;
    private readonly TimeProvider _time;

    /// <summary>The items pending on this silo by grain key: their pipeline and submit time.</summary>
    private readonly ConcurrentDictionary<string, (string Pipeline, DateTime Submitted)> _pending = new(StringComparer.Ordinal);

    /// <summary>
    /// Every pipeline that had an item pending here: once its last one is final, its gauges read 0 rather than keep the
    /// last value an exporter saw.
    /// </summary>
    private readonly ConcurrentDictionary<string, byte> _pipelines = new(StringComparer.Ordinal);

    public PipelineInstruments(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        var meter = meters.Create(ArgusTelemetry.MeterName);
        _lag = meter.CreateHistogram(
            "argus.pipeline.final.lag", "s", "From an item's submit to its final or failed result.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });
        _late = meter.CreateCounter<long>("argus.pipeline.final.late", "{item}", "Items whose final or failed result came after the pipeline's deadline.");
        meter.CreateObservableGauge("argus.pipeline.pending", Pending, "{item}", "Items waiting for the heavy tier whose grains are on this silo.");
        meter.CreateObservableGauge("argus.pipeline.pending.oldest_age", OldestAge, "s", "How long the oldest item pending on this silo has waited since its submit.");
        _delivered = meter.CreateCounter<long>(
            "argus.pipeline.webhook.delivered", "{item}", "Items of a pipeline's finals its webhook took (answered 2xx).");
        _failures = meter.CreateCounter<long>(
            "argus.pipeline.webhook.failures", "{post}", "Posts to a pipeline's webhook that failed (no answer in time, or not 2xx); each is posted again.");
        _expired = meter.CreateCounter<long>(
            "argus.pipeline.expired", "{item}", "Items a pipeline's retention removed from the store.");
    }

    /// <summary>Counts a batch a pipeline's webhook receiver took.</summary>
    public void Delivered(string pipeline, int items) => _delivered.Add(items, new KeyValuePair<string, object?>("pipeline", pipeline));

    /// <summary>Counts a failed post to a pipeline's webhook.</summary>
    public void Failed(string pipeline) => _failures.Add(1, new KeyValuePair<string, object?>("pipeline", pipeline));

    /// <summary>Counts items a pipeline's retention removed.</summary>
    public void Expired(string pipeline, int items) => _expired.Add(items, new KeyValuePair<string, object?>("pipeline", pipeline));

    /// <summary>Counts an item as pending on this silo (again: harmless).</summary>
    public void Waiting(string key, string pipeline, DateTime submitted)
    {
        _pipelines.TryAdd(pipeline, 0);
        _pending[key] = (pipeline, submitted);
    }

    /// <summary>No longer counts the item as pending on this silo: it is final, or its grain left.</summary>
    public void Left(string key) => _pending.TryRemove(key, out _);

    /// <summary>Records an item's final lag, and counts it late when it missed <paramref name="deadlineS"/>.</summary>
    public void Finished(string pipeline, TimeSpan lag, double deadlineS)
    {
        var tag = new KeyValuePair<string, object?>("pipeline", pipeline);
        _lag.Record(Math.Max(0, lag.TotalSeconds), tag);
        if (FinalDeadline.IsLate(lag, deadlineS))
        {
            _late.Add(1, tag);
        }
    }

    private IEnumerable<Measurement<long>> Pending() =>
        from p in ByPipeline() select new Measurement<long>(p.Count, new KeyValuePair<string, object?>("pipeline", p.Pipeline));

    private IEnumerable<Measurement<double>> OldestAge()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return from p in ByPipeline()
               select new Measurement<double>(p.Oldest is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0, new KeyValuePair<string, object?>("pipeline", p.Pipeline));
    }

    /// <summary>Each pipeline seen here, with its items pending now and the submit time of the oldest (null: none).</summary>
    private IEnumerable<(string Pipeline, int Count, DateTime? Oldest)> ByPipeline()
    {
        var pending = _pending.Values.ToLookup(p => p.Pipeline, StringComparer.Ordinal);
        return _pipelines.Keys.Select(name => (name, pending[name].Count(), pending[name].Select(p => (DateTime?)p.Submitted).Min()));
    }
}
