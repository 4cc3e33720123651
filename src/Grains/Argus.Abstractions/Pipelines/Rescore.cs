namespace Argus.Pipelines;

/// <summary>What a backfill's re-score did to one item.</summary>
public enum RescoreOutcome
{
    /// <summary>The item has the backfill's result as its final one (now, or from an earlier call with the same backfill).</summary>
    Rescored = 0,

    /// <summary>The item was left as it is: pending, failed, or its image not kept.</summary>
    Skipped = 1,

    /// <summary>The item could not be re-scored: its kept image is unreadable, or the new model cannot use it.</summary>
    Failed = 2,

    /// <summary>Not the item's fault and likely to pass (the batch lane is overloaded, a device not ready): try again.</summary>
    Busy = 3,
}

/// <summary>The answer of <see cref="IPipelineItemGrain.RescoreAsync"/>.</summary>
/// <param name="Outcome">What was done.</param>
/// <param name="Reason">Unless rescored, a short code: <c>pending</c>, <c>failed_item</c>, <c>no_image</c>, <c>unreadable</c>, <c>bad_input</c>, …</param>
/// <param name="Message">Unless rescored, why, in words.</param>
[GenerateSerializer, Immutable, Alias("Argus.Pipelines.RescoreAnswer")]
public sealed record RescoreAnswer([property: Id(0)] RescoreOutcome Outcome, [property: Id(1)] string? Reason = null, [property: Id(2)] string? Message = null)
{
    /// <summary>The item has the backfill's result.</summary>
    public static readonly RescoreAnswer Rescored = new(RescoreOutcome.Rescored);
}
