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

/// <summary>A backfill's progress.</summary>
/// <param name="Spec">What it re-scores, and with what.</param>
/// <param name="State">Running, completed, cancelled or failed.</param>
/// <param name="Items">The items of its window reached so far: all of them once it is completed.</param>
/// <param name="Rescored">Items that have the backfill's result.</param>
/// <param name="Skipped">Items left as they are (see <see cref="Reasons"/>).</param>
/// <param name="Failed">Items that could not be re-scored (see <see cref="Reasons"/>).</param>
/// <param name="Reached">The minute of submit time it has walked to: progress through its window.</param>
/// <param name="StartedAt">When it started (UTC).</param>
/// <param name="FinishedAt">When it completed, was cancelled or failed (UTC); null while running.</param>
/// <param name="Error">Why it failed; null otherwise.</param>
/// <param name="Reasons">Why items were skipped or failed: a short code → how many.</param>
[GenerateSerializer, Immutable, Alias("Argus.Pipelines.BackfillStatus")]
public sealed record BackfillStatus(
    [property: Id(0)] BackfillSpec Spec,
    [property: Id(1)] BackfillState State,
    [property: Id(2)] long Items,
    [property: Id(3)] long Rescored,
    [property: Id(4)] long Skipped,
    [property: Id(5)] long Failed,
    [property: Id(6)] DateTime Reached,
    [property: Id(7)] DateTime StartedAt,
    [property: Id(8)] DateTime? FinishedAt,
    [property: Id(9)] string? Error,
    [property: Id(10)] IReadOnlyDictionary<string, long> Reasons);
