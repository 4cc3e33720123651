namespace Argus.Pipelines;

/// <summary>Where a backfill stands.</summary>
public enum BackfillState
{
    /// <summary>Walking its window.</summary>
    Running = 0,

    /// <summary>Every item of its window was re-scored, skipped or failed.</summary>
    Completed = 1,

    /// <summary>Cancelled before the end of its window; the items it re-scored keep their new results.</summary>
    Cancelled = 2,

    /// <summary>Stopped: its model or version is no longer served; <see cref="BackfillStatus.Error"/> says why.</summary>
    Failed = 3,
}

/// <summary>
/// A backfill's progress, as its grain answers it and the HTTP API and SDK show it: the items of a pipeline submitted in
/// a window, re-scored with another model version, each new final result kept beside the ones it replaced.
/// </summary>
/// <param name="Id">The backfill's id.</param>
/// <param name="Pipeline">The pipeline whose items it re-scores.</param>
/// <param name="Model">The model it re-scores with.</param>
/// <param name="Version">The model's version.</param>
/// <param name="State">Running, completed, cancelled or failed.</param>
/// <param name="Items">The items of its window reached so far: all of them once it is completed.</param>
/// <param name="Rescored">Items that have the backfill's result.</param>
/// <param name="Skipped">Items left as they are (see <paramref name="Reasons"/>).</param>
/// <param name="Failed">Items that could not be re-scored (see <paramref name="Reasons"/>).</param>
/// <param name="StartedAt">When it started (UTC).</param>
/// <param name="FinishedAt">When it completed, was cancelled or failed (UTC); null while running.</param>
/// <param name="Error">Why it failed; null otherwise.</param>
/// <param name="From">The window's start on submit time (UTC), inclusive.</param>
/// <param name="To">The window's end on submit time (UTC), exclusive.</param>
/// <param name="Reached">The minute of submit time it has walked to: its progress through the window.</param>
/// <param name="Reasons">Why items were skipped or failed: a short code → how many.</param>
[GenerateSerializer, Immutable, Alias("Argus.Pipelines.BackfillStatus")]
public sealed record BackfillStatus(
    [property: Id(0)] string Id,
    [property: Id(1)] string Pipeline,
    [property: Id(2)] string Model,
    [property: Id(3)] string Version,
    [property: Id(4)] BackfillState State,
    [property: Id(5)] long Items,
    [property: Id(6)] long Rescored,
    [property: Id(7)] long Skipped,
    [property: Id(8)] long Failed,
    [property: Id(9)] DateTime StartedAt,
    [property: Id(10)] DateTime? FinishedAt,
    [property: Id(11)] string? Error,
    [property: Id(12)] DateTime From,
    [property: Id(13)] DateTime To,
    [property: Id(14)] DateTime Reached,
    [property: Id(15)] IReadOnlyDictionary<string, long> Reasons)
{
    /// <summary>Whether it has ended: completed, cancelled or failed.</summary>
    public bool IsFinished => State != BackfillState.Running;
}
