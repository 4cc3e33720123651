namespace Argus.Jobs;

/// <summary>
/// One batch job, keyed by its id. It plans its input into shards, hands them out as leases to the
/// <see cref="IBatchWorkerGrain"/>s of every silo that serves its model, and persists which shards are written, so it
/// carries on after a silo crash or a restart of the whole cluster (a reminder wakes it).
/// </summary>
[Alias("Argus.Jobs.IBatchJobGrain")]
public interface IBatchJobGrain : IGrainWithStringKey
{
    /// <summary>
    /// Submits the job. Submitting the same spec again returns its status (a retried submit is harmless).
    /// </summary>
    /// <exception cref="Errors.BadInputException">The id or spec is invalid; the message lists every problem.</exception>
    /// <exception cref="Errors.JobConflictException">A job with this id exists with another spec.</exception>
    /// <exception cref="Errors.UnknownModelException">The routing table has devices and none serves the model.</exception>
    [Alias("Submit")]
    [ResponseTimeout(JobCalls.Timeout)]
    Task<JobStatus> SubmitAsync(JobSpec spec);

    /// <summary>The job's progress.</summary>
    /// <exception cref="Errors.UnknownJobException">No job has this id.</exception>
    [Alias("GetStatus")]
    [ResponseTimeout(JobCalls.Timeout)]
    Task<JobStatus> GetStatusAsync();

    /// <summary>Stops handing out shards; shards in progress are abandoned and run again on resume. Pausing a paused job does nothing.</summary>
    /// <exception cref="Errors.UnknownJobException">No job has this id.</exception>
    /// <exception cref="Errors.JobConflictException">The job has finished or is a schedule.</exception>
    [Alias("Pause")]
    [ResponseTimeout(JobCalls.Timeout)]
    Task<JobStatus> PauseAsync();

    /// <summary>Resumes a paused job. Resuming a running job does nothing.</summary>
    /// <exception cref="Errors.UnknownJobException">No job has this id.</exception>
    /// <exception cref="Errors.JobConflictException">The job has finished.</exception>
    [Alias("Resume")]
    [ResponseTimeout(JobCalls.Timeout)]
    Task<JobStatus> ResumeAsync();

    /// <summary>Stops the job for good (a schedule starts no more runs). Shards written stay written. Cancelling a finished job does nothing.</summary>
    /// <exception cref="Errors.UnknownJobException">No job has this id.</exception>
    [Alias("Cancel")]
    [ResponseTimeout(JobCalls.Timeout)]
    Task<JobStatus> CancelAsync();

    /// <summary>A worker on <paramref name="silo"/> asks for a shard; null when none is left to hand out now.</summary>
    [Alias("LeaseShard")]
    [ResponseTimeout(JobCalls.Timeout)]
    Task<ShardLease?> LeaseShardAsync(string silo);

    /// <summary>Keeps a lease alive. False: stop the shard (the job was paused or cancelled, or the lease went to another worker).</summary>
    [Alias("RenewLease")]
    [ResponseTimeout(JobCalls.Timeout)]
    Task<bool> RenewLeaseAsync(int shard, string leaseId);

    /// <summary>Reports a shard written (or found written already); the job records it in its checkpoint.</summary>
    [Alias("CompleteShard")]
    [ResponseTimeout(JobCalls.Timeout)]
    Task CompleteShardAsync(ShardReport report);

    /// <summary>Hands a shard back unfinished (its worker's silo is draining, or its device failed): it is leased again.</summary>
    [Alias("ReleaseShard")]
    [ResponseTimeout(JobCalls.Timeout)]
    Task ReleaseShardAsync(int shard, string leaseId);
}

/// <summary>
/// The worker of one job on one silo, keyed <c>{silo}/{job}</c> and placed on that silo: it leases the job's shards and
/// runs them on the silo's devices in the batch lane, several batches in flight per device.
/// </summary>
[Alias("Argus.Jobs.IBatchWorkerGrain")]
public interface IBatchWorkerGrain : IGrainWithStringKey
{
    /// <summary>Starts leasing shards unless the worker is at it already; the job calls it while it has shards to hand out.</summary>
    [Alias("Start")]
    [ResponseTimeout(JobCalls.Timeout)]
    Task StartAsync();
}

/// <summary>Every job's id, so jobs can be listed.</summary>
[Alias("Argus.Jobs.IJobRegistryGrain")]
public interface IJobRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Records a job.</summary>
    [Alias("Add")]
    [ResponseTimeout(JobCalls.Timeout)]
    Task AddAsync(string job);

    /// <summary>Every job's id, sorted.</summary>
    [Alias("List")]
    [ResponseTimeout(JobCalls.Timeout)]
    Task<IReadOnlyList<string>> ListAsync();
}

/// <summary>A shard handed to a worker for <see cref="Duration"/>, unless renewed.</summary>
/// <param name="Job">The job's id.</param>
/// <param name="Shard">The shard's number.</param>
/// <param name="LeaseId">Names this lease in renewals and reports.</param>
/// <param name="Spec">The job's spec.</param>
/// <param name="Folder">The job's output folder.</param>
/// <param name="Duration">How long the lease lasts without a renewal.</param>
[GenerateSerializer, Immutable, Alias("Argus.Jobs.ShardLease")]
public sealed record ShardLease(
    [property: Id(0)] string Job,
    [property: Id(1)] int Shard,
    [property: Id(2)] string LeaseId,
    [property: Id(3)] JobSpec Spec,
    [property: Id(4)] string Folder,
    [property: Id(5)] TimeSpan Duration);

/// <summary>What a worker reports for a written shard.</summary>
/// <param name="Shard">The shard's number.</param>
/// <param name="LeaseId">The lease it ran under.</param>
/// <param name="Succeeded">Items with a result.</param>
/// <param name="Failures">Failed items by reason.</param>
/// <param name="Skipped">The shard was found written already (an earlier run or worker wrote it), so nothing ran.</param>
[GenerateSerializer, Immutable, Alias("Argus.Jobs.ShardReport")]
public sealed record ShardReport(
    [property: Id(0)] int Shard,
    [property: Id(1)] string LeaseId,
    [property: Id(2)] int Succeeded,
    [property: Id(3)] IReadOnlyDictionary<string, int> Failures,
    [property: Id(4)] bool Skipped);

/// <summary>How long a call to a job, a worker or the registry may go unanswered.</summary>
public static class JobCalls
{
    /// <summary>Job calls are quick (planning runs in the background), so a lost silo shows within seconds.</summary>
    public const string Timeout = "00:00:15";
}
