using Orleans.Concurrency;

namespace Argus.Pipelines;

/// <summary>
/// The folder watch of a pipeline (<see cref="PipelineSpec.Watch"/>), keyed by the pipeline's id; persisted. Lists the
/// folder on a timer, and after a restart of the cluster on a reminder, and submits each new image as an item once.
/// </summary>
[Alias("Argus.Pipelines.IPipelineWatchGrain")]
public interface IPipelineWatchGrain : IGrainWithStringKey
{
    /// <summary>
    /// Watches the folder of <paramref name="spec"/>, submitting with that spec, or stops watching when the spec is null
    /// (the pipeline was removed) or has no <see cref="PipelineSpec.Watch"/>. Answered while a listing is under way, so a
    /// pipeline's PUT does not wait for the folder's new images.
    /// </summary>
    [Alias("Watch")]
    [AlwaysInterleave]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task WatchAsync(PipelineSpec? spec);
}
