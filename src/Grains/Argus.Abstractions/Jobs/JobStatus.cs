namespace Argus.Jobs;

/// <summary>Where a job stands.</summary>
public enum JobState
{
    /// <summary>Listing its input and writing its shard plan.</summary>
    Planning,

    /// <summary>Workers lease and run its shards (a watching job stays here until cancelled).</summary>
    Running,

    /// <summary>No new shard is handed out; shards in progress are abandoned and run again on resume.</summary>
    Paused,

    /// <summary>Every shard is written.</summary>
    Completed,

    /// <summary>Stopped for good by a caller.</summary>
    Cancelled,

    /// <summary>The job cannot run (its input is missing, for example): see <see cref="JobStatus.Error"/>.</summary>
    Failed,

    /// <summary>A schedule: it starts a run of its spec at each occurrence of its cron expression.</summary>
    Scheduled,
}

/// <summary>A job's progress, as <c>argus job status</c> and <c>GET /v1/jobs/{id}</c> show it.</summary>
/// <param name="Id">The job's id.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Spec">What it runs.</param>
/// <param name="OutputFolder">Where its outputs go: <c>{output}/{id}</c>.</param>
/// <param name="ItemsTotal">Items planned so far (grows while a watching job finds files).</param>
/// <param name="ItemsSucceeded">Items with a result in a part file.</param>
/// <param name="ItemsFailed">Items in <c>errors.jsonl</c>.</param>
/// <param name="ShardsTotal">Shards planned.</param>
/// <param name="ShardsDone">Shards written.</param>
/// <param name="ShardsLeased">Shards being run now.</param>
/// <param name="ItemsPerSecond">Items finished per second over the last minute.</param>
/// <param name="Eta">When the remaining items should be done at that rate; null when unknown.</param>
/// <param name="Failures">Failed items by reason (<c>bad_input</c>, <c>unreadable</c>, <c>overloaded</c>, …).</param>
/// <param name="SubmittedAt">When it was submitted (UTC).</param>
/// <param name="FinishedAt">When it completed, failed or was cancelled (UTC).</param>
/// <param name="Error">Why it failed.</param>
/// <param name="NextRunAt">A schedule's next run (UTC).</param>
/// <param name="Runs">A schedule's runs so far, oldest first.</param>
[GenerateSerializer, Immutable, Alias("Argus.Jobs.JobStatus")]
public sealed record JobStatus(
    [property: Id(0)] string Id,
    [property: Id(1)] JobState State,
    [property: Id(2)] JobSpec Spec,
    [property: Id(3)] string OutputFolder,
    [property: Id(4)] long ItemsTotal,
    [property: Id(5)] long ItemsSucceeded,
    [property: Id(6)] long ItemsFailed,
    [property: Id(7)] int ShardsTotal,
    [property: Id(8)] int ShardsDone,
    [property: Id(9)] int ShardsLeased,
    [property: Id(10)] double ItemsPerSecond,
    [property: Id(11)] TimeSpan? Eta,
    [property: Id(12)] IReadOnlyDictionary<string, long> Failures,
    [property: Id(13)] DateTime SubmittedAt,
    [property: Id(14)] DateTime? FinishedAt,
    [property: Id(15)] string? Error,
    [property: Id(16)] DateTime? NextRunAt,
    [property: Id(17)] IReadOnlyList<string> Runs)
{
    /// <summary>Whether the job has stopped for good (completed, cancelled or failed).</summary>
    public bool IsFinished => State is JobState.Completed or JobState.Cancelled or JobState.Failed;
}
