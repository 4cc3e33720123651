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
}
