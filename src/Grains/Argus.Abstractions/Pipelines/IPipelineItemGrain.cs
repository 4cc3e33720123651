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

    /// <summary>
    /// Re-scores a final item for <paramref name="backfill"/> from its kept image, in the batch lane: its final result
    /// moves to <see cref="PipelineItem.Superseded"/> and the new one, marked with the backfill's id, becomes final. A
    /// repeat for the same backfill changes nothing; a pending item is skipped (its heavy tier decides with the current
    /// spec), and so are a failed one and one whose image is not kept.
    /// </summary>
    /// <exception cref="Errors.UnknownModelException">The backfill's model is no longer served.</exception>
    /// <exception cref="Errors.UnknownVersionException">Its version is no longer served.</exception>
    [Alias("Rescore")]
    [ResponseTimeout(PipelineCalls.RescoreTimeout)]
    Task<RescoreAnswer> RescoreAsync(BackfillSpec backfill);

    /// <summary>
    /// Removes the item from the store, past its pipeline's <see cref="PipelineSpec.RetentionDays"/>; a pending one stops
    /// waiting for the heavy tier. False when no item was stored under this key.
    /// </summary>
    [Alias("Expire")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task<bool> ExpireAsync();
}
