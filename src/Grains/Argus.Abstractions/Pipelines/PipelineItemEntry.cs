namespace Argus.Pipelines;

/// <summary>An item as a pipeline's index lists it: enough to filter and sort by, the item itself from its own grain.</summary>
/// <param name="Id">The item's id.</param>
/// <param name="State">Pending, final or failed.</param>
/// <param name="SubmittedAt">When it was first submitted (UTC): the minute it is indexed under.</param>
/// <param name="FinishedAt">When it became final or failed (UTC); null while pending.</param>
/// <param name="Provisional">The fast tier's decision; null when the item failed before it.</param>
/// <param name="Final">The current final decision; null while pending or when failed.</param>
[GenerateSerializer, Immutable, Alias("Argus.Pipelines.PipelineItemEntry")]
public sealed record PipelineItemEntry(
    [property: Id(0)] string Id,
    [property: Id(1)] PipelineItemState State,
    [property: Id(2)] DateTime SubmittedAt,
    [property: Id(3)] DateTime? FinishedAt,
    [property: Id(4)] Decision? Provisional,
    [property: Id(5)] Decision? Final)
{
    /// <summary>The entry of <paramref name="item"/> as it is stored now.</summary>
    public static PipelineItemEntry Of(PipelineItem item) => new(
        item.Id, item.State, item.SubmittedAt,
        item.State == PipelineItemState.Pending ? null : item.Final?.FinishedAt ?? item.Provisional?.FinishedAt ?? item.SubmittedAt,
        item.Provisional?.Decision, item.Final?.Decision);
}
