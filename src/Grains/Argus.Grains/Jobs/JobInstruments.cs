using System.Diagnostics.Metrics;
using Argus.Inference.Telemetry;

namespace Argus.Grains.Jobs;

/// <summary>
/// Batch jobs' instruments on the <see cref="ArgusTelemetry.MeterName"/> meter: items done and failed, and shards
/// written or found written, each labelled with the job and its model. Counted where a shard's report is accepted,
/// so an item counts once however many workers ran its shard.
/// </summary>
internal sealed class JobInstruments
{
    private readonly Counter<long> _items;
    private readonly Counter<long> _shards;

    public JobInstruments(IMeterFactory meters)
    {
        var meter = meters.Create(ArgusTelemetry.MeterName);
        _items = meter.CreateCounter<long>(
            "argus.job.items", "{item}", "A batch job's items by outcome (succeeded, failed) and, for failures, reason.");
        _shards = meter.CreateCounter<long>(
            "argus.job.shards", "{shard}", "A batch job's shards by outcome: written, or skipped (found written by an earlier run).");
    }

    /// <summary>Counts a shard's items and the shard.</summary>
    public void ShardDone(string job, string model, int succeeded, IReadOnlyDictionary<string, int> failures, bool skipped)
    {
        var jobTag = new KeyValuePair<string, object?>("job", job);
        var modelTag = new KeyValuePair<string, object?>("model", model);
        _items.Add(succeeded, jobTag, modelTag, new("outcome", "succeeded"));
        foreach (var (reason, count) in failures)
        {
            _items.Add(count, jobTag, modelTag, new("outcome", "failed"), new("reason", reason));
        }

        _shards.Add(1, jobTag, modelTag, new("outcome", skipped ? "skipped" : "written"));
    }
}
