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
