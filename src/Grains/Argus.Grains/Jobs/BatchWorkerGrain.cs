using Argus.Devices;
using Argus.Grains.Devices;
using Argus.Grains.Scaling;
using Argus.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Argus.Grains.Jobs;

/// <summary>
/// A job's worker on one silo (key <c>{silo}/{job}</c>, placed on that silo like a device): while the job has shards to
/// hand out, it keeps <see cref="JobOptions.BatchesInFlightPerDevice"/> shards running on each local device that serves
/// the job's model (at the version it names), each a lease of its own. The work runs off the Orleans scheduler. When the silo drains (it was asked
/// to stop: <see cref="SiloDrain"/>), every shard in progress is cancelled and handed back to the job at once, to run
/// elsewhere, so the drain does not wait for whole shards.
/// </summary>
[Reentrant]
[DevicePlacement]
internal sealed partial class BatchWorkerGrain(
    InferenceDoor door,
    ShardRunner runner,
    IOptions<JobOptions> options,
    ILocalSiloDetails silo,
    SiloDrain drain,
    ILogger<BatchWorkerGrain> logger)
    : Grain, IBatchWorkerGrain
{
    private Task? _running;

    public Task StartAsync()
    {
        if (_running is null || _running.IsCompleted)
        {
            var job = GrainFactory.GetGrain<IBatchJobGrain>(WorkerKey.Parse(this.GetPrimaryKeyString()).Job);
            var stop = drain.Draining;
            _running = Task.Run(() => RunAsync(job, stop), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    private async Task RunAsync(IBatchJobGrain job, CancellationToken stop)
    {
        try
        {
            if (stop.IsCancellationRequested || await job.LeaseShardAsync(silo.Name) is not { } first)
            {
                return;
            }

            var devices = door.LocalDevices(first.Spec.Model, first.Spec.Version);
            if (devices.Count == 0)
            {
                await job.ReleaseShardAsync(first.Shard, first.LeaseId);
                return;
            }

            var slots = devices.SelectMany(d => Enumerable.Repeat(d, options.Value.BatchesInFlightPerDevice));
            await Task.WhenAll(slots.Select((device, i) => RunSlotAsync(job, device, i == 0 ? first : null, stop)));
        }
        catch (Exception e)
        {
            LogWorkerFailed(logger, this.GetPrimaryKeyString(), e.Message); // the job wakes the worker again at its next tick
        }
    }

    /// <summary>Leases and runs shards one after another on one device until the job has none left to hand out.</summary>
    private async Task RunSlotAsync(IBatchJobGrain job, DeviceKey device, ShardLease? lease, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            lease ??= await job.LeaseShardAsync(silo.Name);
            if (lease is null)
            {
                return;
            }

            await runner.RunLeaseAsync(job, lease, device, stop);
            lease = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Worker {Worker} stopped: {Error}")]
    private static partial void LogWorkerFailed(ILogger logger, string worker, string error);
}
