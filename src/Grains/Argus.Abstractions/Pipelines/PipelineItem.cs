using Argus.Devices;
using Argus.Errors;

namespace Argus.Pipelines;

/// <summary>Where an item of a pipeline stands.</summary>
public enum PipelineItemState
{
    /// <summary>The fast tier decided (provisional); the heavy tier has yet to.</summary>
    Pending = 0,

    /// <summary>The item has its final decision.</summary>
    Final = 1,

    /// <summary>The item could not be decided (its image is unusable); <see cref="PipelineItem.Error"/> says why.</summary>
    Failed = 2,
}

/// <summary>One tier's result for an item: the decision its rule made and the scores it was made from.</summary>
/// <param name="Decision">The tier's rule applied to <paramref name="Scores"/>.</param>
/// <param name="Model">The model that scored the item.</param>
/// <param name="Version">Its version.</param>
/// <param name="Scores">The model's class scores, best first.</param>
/// <param name="StartedAt">When the tier's call started (UTC).</param>
/// <param name="FinishedAt">When it answered (UTC).</param>
/// <param name="Backfill">The backfill that re-scored the item with this result; null for the tiers' own results.</param>
[GenerateSerializer, Immutable, Alias("Argus.Pipelines.TierResult")]
public sealed record TierResult(
    [property: Id(0)] Decision Decision,
    [property: Id(1)] string Model,
    [property: Id(2)] string Version,
    [property: Id(3)] ClassScore[] Scores,
    [property: Id(4)] DateTime StartedAt,
    [property: Id(5)] DateTime FinishedAt,
    [property: Id(6)] string? Backfill = null);

/// <summary>An item of a pipeline as stored: its provisional and final results, or why it failed.</summary>
/// <param name="Pipeline">The pipeline's id.</param>
/// <param name="Id">The item's id (its idempotency key).</param>
/// <param name="State">Pending, final or failed.</param>
/// <param name="SubmittedAt">When it was first submitted (UTC).</param>
/// <param name="Provisional">The fast tier's result; null when the item failed before it.</param>
/// <param name="Final">The final result: the heavy tier's, or the provisional one for an item the heavy tier does not take; null while pending.</param>
/// <param name="Heavy">Whether the item goes to the heavy tier.</param>
/// <param name="Error">Why the item failed; null unless <see cref="PipelineItemState.Failed"/>.</param>
[GenerateSerializer, Immutable, Alias("Argus.Pipelines.PipelineItem")]
public sealed record PipelineItem(
    [property: Id(0)] string Pipeline,
    [property: Id(1)] string Id,
    [property: Id(2)] PipelineItemState State,
    [property: Id(3)] DateTime SubmittedAt,
    [property: Id(4)] TierResult? Provisional,
    [property: Id(5)] TierResult? Final,
    [property: Id(6)] bool Heavy,
    [property: Id(7)] InferenceError? Error)
{
    /// <summary>
    /// The final results a backfill replaced, oldest first: <see cref="Final"/> is the current one, these the history
    /// kept beside it.
    /// </summary>
    [Id(8)] public IReadOnlyList<TierResult> Superseded { get; init; } = [];

    /// <summary>
    /// Where the item's image is kept for a backfill (the pipeline's archive, or the watched file it came from); null
    /// when it is not kept.
    /// </summary>
    [Id(9)] public string? Image { get; init; }

    /// <summary>The grain key of item <paramref name="item"/> of pipeline <paramref name="pipeline"/>.</summary>
    public static string KeyOf(string pipeline, string item) => $"{pipeline}/{item}";
}

/// <summary>
/// The answer to a submit: the item (new or already stored under its key), or, when the fast tier could not answer for
/// a reason that may pass (overloaded, not ready), that reason and no item stored.
/// </summary>
/// <param name="Item">The stored item; null when <paramref name="Refused"/> is set.</param>
/// <param name="Created">True when this call created the item.</param>
/// <param name="Refused">Why nothing was stored.</param>
[GenerateSerializer, Immutable, Alias("Argus.Pipelines.ItemSubmission")]
public sealed record ItemSubmission(
    [property: Id(0)] PipelineItem? Item,
    [property: Id(1)] bool Created,
    [property: Id(2)] InferenceError? Refused);
