namespace Argus.Pipelines;

/// <summary>
/// The index of the items submitted to a pipeline in one UTC minute, keyed <see cref="PipelineMinutes.KeyOf"/> with the
/// items' submit time; persisted. Each item's grain records its entry whenever the item changes.
/// </summary>
[Alias("Argus.Pipelines.IPipelineItemsGrain")]
public interface IPipelineItemsGrain : IGrainWithStringKey
{
    /// <summary>Adds the entry, or replaces the one with its id.</summary>
    [Alias("Record")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task RecordAsync(PipelineItemEntry entry);

    /// <summary>
    /// Up to <paramref name="limit"/> entries in the order (submitted, id), those after the entry <paramref name="after"/>
    /// (an id of this minute; null: from the first), only those in <paramref name="state"/> when given.
    /// </summary>
    [Alias("List")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task<IReadOnlyList<PipelineItemEntry>> ListAsync(PipelineItemState? state, string? after, int limit);

    /// <summary>Removes the minute's index from the store, once its items have expired.</summary>
    [Alias("Clear")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task ClearAsync();
}
