namespace Argus.Grains.Jobs;

/// <summary>How batch jobs lease, check and run their shards (<c>Argus:Jobs</c>).</summary>
public sealed class JobOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Argus:Jobs";

    /// <summary>
    /// How long a shard's lease lasts without a renewal, in seconds: a shard whose silo died is handed out again after
    /// at most this long. Workers renew every third of it. Default 30.
    /// </summary>
    public double LeaseSeconds { get; set; } = 30;

    /// <summary>
    /// How often a job checks its planning, its leases and its workers, in milliseconds. Default 250: a job over a small
    /// folder starts within a tick of its plan.
    /// </summary>
    public double TickMs { get; set; } = 250;

    /// <summary>How often a watching job lists its folder for new files, in seconds. Default 10.</summary>
    public double WatchSeconds { get; set; } = 10;

    /// <summary>
    /// A watching job leaves files changed within this many seconds for its next listing, so a file still being copied
    /// in is not read half-written (writers that copy to a hidden <c>.name</c> and rename need no wait). Default 2.
    /// </summary>
    public double WatchSettleSeconds { get; set; } = 2;

    /// <summary>
    /// How often a job's reminder wakes it, in seconds, so it carries on after a restart of the whole cluster. Orleans'
    /// minimum reminder period is set to this too. Default 60.
    /// </summary>
    public double ReminderSeconds { get; set; } = 60;

    /// <summary>Batches a worker keeps in flight per device: one decodes while another runs. Default 2.</summary>
    public int BatchesInFlightPerDevice { get; set; } = 2;

    /// <summary>
    /// How long a running job with shards to hand out waits for a device that serves its model, in seconds, before it
    /// fails saying so (a job naming a model no device serves is refused at submit, unless the routing table was still
    /// empty then). Default 60: time for a silo to start and load its models.
    /// </summary>
    public double DeviceWaitSeconds { get; set; } = 60;

    /// <summary>
    /// How long a job keeps trying to write its plan when the output's storage fails (a full disk, an I/O error), in
    /// seconds, before it fails saying why. Default 120.
    /// </summary>
    public double PlanRetrySeconds { get; set; } = 120;

    internal TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    internal TimeSpan PlanRetry => TimeSpan.FromSeconds(PlanRetrySeconds);

    internal TimeSpan Tick => TimeSpan.FromMilliseconds(TickMs);

    internal TimeSpan WatchPeriod => TimeSpan.FromSeconds(WatchSeconds);

    internal TimeSpan WatchSettle => TimeSpan.FromSeconds(WatchSettleSeconds);

    internal TimeSpan DeviceWait => TimeSpan.FromSeconds(DeviceWaitSeconds);

    internal TimeSpan ReminderPeriod => TimeSpan.FromSeconds(ReminderSeconds);
}
