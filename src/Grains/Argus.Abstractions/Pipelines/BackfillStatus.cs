namespace Argus.Pipelines;

/// <summary>Where a backfill stands.</summary>
public enum BackfillState
{
    /// <summary>Items are being re-scored.</summary>
    Running = 0,

    /// <summary>Every item of the window was re-scored, skipped or failed.</summary>
    Completed = 1,

    /// <summary>Cancelled before it was done; the items it re-scored keep their new result.</summary>
    Cancelled = 2,

    /// <summary>Stopped by an error of its own (<see cref="BackfillStatus.Error"/>), not an item's.</summary>
    Failed = 3,
}

/// <summary>
/// A backfill's progress: the items of a pipeline submitted in a window, re-scored with another model version, each new
/// final result kept beside the ones it replaced.
/// </summary>
/// <param name="Id">The backfill's id.</param>
/// <param name="Pipeline">The pipeline whose items it re-scores.</param>
/// <param name="Model">The model it re-scores with.</param>
/// <param name="Version">The model's version.</param>
/// <param name="State">Running, completed, cancelled or failed.</param>
/// <param name="Items">Items of the window found so far.</param>
/// <param name="Rescored">Items given a new final result.</param>
/// <param name="Skipped">Items left as they were (already re-scored by this backfill, or without a kept image).</param>
/// <param name="Failed">Items that could not be re-scored.</param>
/// <param name="StartedAt">When it started (UTC).</param>
/// <param name="FinishedAt">When it ended (UTC); null while running.</param>
/// <param name="Error">Why it failed; null unless <see cref="BackfillState.Failed"/>.</param>
[GenerateSerializer, Immutable, Alias("Argus.Pipelines.BackfillStatus")]
public sealed record BackfillStatus(
    [property: Id(0)] string Id,
    [property: Id(1)] string Pipeline,
    [property: Id(2)] string Model,
    [property: Id(3)] string Version,
    [property: Id(4)] BackfillState State,
    [property: Id(5)] int Items,
    [property: Id(6)] int Rescored,
    [property: Id(7)] int Skipped,
    [property: Id(8)] int Failed,
    [property: Id(9)] DateTime StartedAt,
    [property: Id(10)] DateTime? FinishedAt,
    [property: Id(11)] string? Error)
{
    /// <summary>Whether it has ended: completed, cancelled or failed.</summary>
    public bool IsFinished => State != BackfillState.Running;
}
