using Orleans.Concurrency;

namespace Argus.Pipelines;

/// <summary>
/// One item of a pipeline, keyed <c>{pipeline}/{item}</c> (<see cref="PipelineItem.KeyOf"/>); persisted, the single writer of its
/// results, so a key submitted twice is one item with one final result.
/// </summary>
[Alias("Argus.Pipelines.IPipelineItemGrain")]
public interface IPipelineItemGrain : IGrainWithStringKey
{
    /// <summary>
    /// Decides a new item with the fast tier of <paramref name="spec"/> and stores it, or answers the item already
    /// stored under this key without inferring again. An unusable image is stored as failed. <paramref name="source"/> is
    /// where the image is kept already (a watched folder's file), recorded as <see cref="PipelineItem.Image"/>; null: nowhere.
    /// </summary>
    [Alias("Submit")]
    [ResponseTimeout(PipelineCalls.SubmitTimeout)]
    Task<ItemSubmission> SubmitAsync(PipelineSpec spec, Immutable<byte[]> image, string? source);

    /// <summary>
    /// The item; null when none was submitted under this key. Answered while the heavy call is out, so a reader never
    /// waits behind the batch lane.
    /// </summary>
    [Alias("Get")]
    [AlwaysInterleave]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task<PipelineItem?> GetAsync();
}
