namespace Argus.Jobs;

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
