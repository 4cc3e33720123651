namespace Argus.Pipelines;

/// <summary>How long a call to a pipeline, its registry or an item may go unanswered.</summary>
public static class PipelineCalls
{
    /// <summary>
    /// A pipeline's calls are quick, so their caller learns within seconds that the grain's silo was lost; an item's
    /// submit runs the fast model and may wait on a busy device as long as its deadline.
    /// </summary>
    public const string Timeout = "00:00:10";

    /// <summary>The longest a submit waits for the fast tier: a device queue under load, not the tier's p95 target.</summary>
    public const string SubmitTimeout = "00:00:30";

    /// <summary>
    /// The longest a backfill's re-score of one item waits: a batch-lane call, which yields to every real-time one. Its
    /// request's deadline (<see cref="RescoreDeadline"/>) is shorter, so a busy lane answers as overloaded, and the item is
    /// tried again, before the call itself times out.
    /// </summary>
    public const string RescoreTimeout = "00:02:00";

    /// <summary>How long a re-score's inference may wait in the batch lane.</summary>
    public static readonly TimeSpan RescoreDeadline = TimeSpan.FromSeconds(100);
}
