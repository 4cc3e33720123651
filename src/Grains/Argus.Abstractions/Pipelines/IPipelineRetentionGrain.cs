namespace Argus.Pipelines;

/// <summary>
/// A pipeline's retention (<see cref="PipelineSpec.RetentionDays"/>), keyed by the pipeline's id; persisted. On a timer,
/// and after a restart of the cluster on a reminder, it removes minute by minute, from the oldest, the items submitted
/// longer ago than the retention, then their minute's index and finals log. It never removes a finals log before it has
/// closed, nor one the pipeline's finals table has not written or its webhook has not delivered.
/// </summary>
[Alias("Argus.Pipelines.IPipelineRetentionGrain")]
public interface IPipelineRetentionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Keeps the pipeline's items for <paramref name="spec"/>'s retention, sweeping from the minute of
    /// <paramref name="since"/> (the pipeline's creation) or from where it has swept to already; stops when the spec has no
    /// <see cref="PipelineSpec.RetentionDays"/>. A null spec (the pipeline was removed) sweeps on until the items the
    /// pipeline had have left, then stops.
    /// </summary>
    [Alias("Keep")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task KeepAsync(PipelineSpec? spec, DateTime since);
}
