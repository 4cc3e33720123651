using Argus.Devices;
using Argus.Errors;
using Argus.Grains.Storage;
using Argus.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Argus.Grains.Jobs;

/// <summary>
/// One job. Plans its input into shards in the background (plan files under the output folder), hands shards out as
/// leases to its workers, expires the leases of workers that stop renewing (their silo died), and persists every
/// shard it records, so it carries on from that checkpoint after a crash. A timer drives it while it is active; a
/// reminder wakes it after the whole cluster restarted. Outputs are idempotent, so a shard run twice (a lease lost with
/// this grain's silo, a slow worker overtaken) is still written once. The rules live in <see cref="JobStateMachine"/>
/// and <see cref="ShardLeases"/>; this grain persists, calls and keeps time.
/// </summary>
internal sealed partial class BatchJobGrain(
    [PersistentState("job")] IPersistentState<BatchJobState> checkpoint,
    IOptions<JobOptions> options,
    JobStores stores,
    JobInstruments instruments,
    TimeProvider time,
    ILogger<BatchJobGrain> logger)
    : Grain, IBatchJobGrain, IRemindable
{
    private const string ReminderName = "argus-job";

    private readonly JobOptions _options = options.Value;
    private JobStateMachine? _job;
    private Task<JobPlan>? _planning;
    private HashSet<string>? _known;
    private DateTime _nextListing;
    private IGrainTimer? _timer;

    private string Id => this.GetPrimaryKeyString();

    /// <summary>The job's rules over its checkpoint, as read when the grain activated.</summary>
    private JobStateMachine Job => _job ??= new JobStateMachine(Id, checkpoint.State, _options.Lease, time);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Job.Exists && !Job.IsFinished)
        {
            StartTicking();
        }

        return Task.CompletedTask;
    }

    public async Task<JobStatus> SubmitAsync(JobSpec spec)
    {
        var devices = await GrainFactory.GetGrain<IDeviceDirectoryGrain>(0).GetDevicesAsync();
        if (!Job.Submit(spec, devices, stores.Problems(spec)))
        {
            return Job.Status();
        }

        await checkpoint.WriteStateAsync();
        await GrainFactory.GetGrain<IJobRegistryGrain>(0).AddAsync(Id);
        await this.RegisterOrUpdateReminder(ReminderName, _options.ReminderPeriod, _options.ReminderPeriod);
        LogSubmitted(logger, Id, spec.Input, spec.Model);
        StartTicking();
        return Job.Status();
    }

    public Task<JobStatus> GetStatusAsync() => Task.FromResult(Job.Status());

    public async Task<JobStatus> PauseAsync()
    {
        if (Job.Pause())
        {
            await checkpoint.WriteStateAsync();
        }

        return Job.Status();
    }

    public async Task<JobStatus> ResumeAsync()
    {
        if (Job.Resume())
        {
            await checkpoint.WriteStateAsync();
        }

        return Job.Status();
    }

    public async Task<JobStatus> CancelAsync()
    {
        if (Job.Cancel())
        {
            await FinishedAsync();
        }

        return Job.Status();
    }

    public Task<ShardLease?> LeaseShardAsync(string silo)
    {
        var lease = Job.Lease();
        if (lease is not null)
        {
            LogLeased(logger, Id, lease.Shard, silo);
        }

        return Task.FromResult(lease);
    }

    public Task<bool> RenewLeaseAsync(int shard, string leaseId) => Task.FromResult(Job.Renew(shard, leaseId));

    public async Task CompleteShardAsync(ShardReport report)
    {
        if (!Job.Complete(report))
        {
            return;
        }

        instruments.ShardDone(Id, Job.Spec.Model, report.Succeeded, report.Failures, report.Skipped);
        await checkpoint.WriteStateAsync();
        if (Job.AllShardsWritten && _planning is null && Job.State == JobState.Running)
        {
            await AllShardsDoneAsync(); // the last shard: complete now, not a tick later
        }
    }

    public Task ReleaseShardAsync(int shard, string leaseId)
    {
        Job.Leases.Release(shard, leaseId);
        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!Job.Exists || Job.IsFinished)
        {
            await this.UnregisterReminderIfAnyAsync(ReminderName);
        }

        // Activation started the timer; nothing else to do.
    }

    private void StartTicking() =>
        _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, _options.Tick) { KeepAlive = true });

    /// <summary>Moves the job on: applies a finished plan, expires leases, wakes workers, finishes, starts scheduled runs.</summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        switch (Job.State)
        {
            case JobState.Planning:
                await PlanAsync();
                if (Job.State == JobState.Running)
                {
                    await WakeWorkersAsync(); // now, not a tick later
                }

                break;
            case JobState.Running:
                foreach (var shard in Job.Leases.Expire())
                {
                    LogLeaseExpired(logger, Id, shard);
                }

                if (Job.Spec.Watch)
                {
                    await PlanAsync();
                }

                if (Job.Leases.Pending > 0)
                {
                    await WakeWorkersAsync();
                }
                else if (Job.Leases.Leased == 0 && Job.AllShardsWritten && _planning is null)
                {
                    await AllShardsDoneAsync();
                }

                break;
            case JobState.Scheduled:
                await StartScheduledRunAsync();
                break;
            case JobState.Paused:
                break;
            default:
                _timer?.Dispose();
                _timer = null;
                break;
        }
    }

    /// <summary>Starts planning in the background (first plan, or a watching job's next listing) or applies its result.</summary>
    private async Task PlanAsync()
    {
        var s = checkpoint.State;
        if (_planning is null)
        {
            if (s.Planned && Now() < _nextListing)
            {
                return;
            }

            var (spec, folder, first, planned, known) = (Job.Spec, Job.Folder, s.ShardsTotal, s.Planned, _known);
            DateTime? settled = spec.Watch ? Now() - _options.WatchSettle : null;
            _planning = Task.Run(async () =>
            {
                var output = stores.Folder(folder);
                return await JobPlanner.PlanAsync(spec, output, first, planned ? known ?? await JobPlanner.KnownFilesAsync(output, first) : null, settled, stores);
            });
            return;
        }

        if (!_planning.IsCompleted)
        {
            return;
        }

        var planning = _planning;
        _planning = null;
        _nextListing = Now() + _options.WatchPeriod;
        if (planning.Exception?.GetBaseException() is { } failure)
        {
            if (s.Planned)
            {
                LogListingFailed(logger, Id, failure.Message); // a watching job tries again at its next listing
                return;
            }

            if (Job.PlanFailed(failure, _options.PlanRetry) is { } why)
            {
                await FinishAsync(JobState.Failed, why);
                return;
            }

            LogPlanRetried(logger, Id, failure.Message); // a full disk may have room again at the next tick
            return;
        }

        var plan = planning.Result;
        if (Job.EmptyInput(plan.Items) is { } empty)
        {
            await FinishAsync(JobState.Failed, empty);
            return;
        }

        _known = plan.Files;
        if (Job.Planned(plan.Shards, plan.Items))
        {
            await checkpoint.WriteStateAsync();
            LogPlanned(logger, Id, plan.Items, plan.Shards);
        }
    }

    /// <summary>
    /// Starts the workers of every silo with a device that serves the job's model (at its version), but silos that drain;
    /// fails the job when no device has served it for <see cref="JobOptions.DeviceWait"/>.
    /// </summary>
    private async Task WakeWorkersAsync()
    {
        IReadOnlyList<DeviceLoad> devices;
        try
        {
            devices = await GrainFactory.GetGrain<IDeviceDirectoryGrain>(0).GetDevicesAsync();
        }
        catch (Exception e)
        {
            LogWakeFailed(logger, Id, "*", e.Message); // the routing table may be moving with a lost silo; the next tick retries
            return;
        }

        if (Job.NoDevice(devices, _options.DeviceWait) is { } unserved)
        {
            await FinishAsync(JobState.Failed, unserved);
            return;
        }

        var silos = JobStateMachine.Serving(devices, Job.Spec).Where(d => !d.Draining).Select(d => d.Silo).Distinct();
        await Task.WhenAll(silos.Select(async silo =>
        {
            try
            {
                await GrainFactory.GetGrain<IBatchWorkerGrain>(new WorkerKey(silo, Id).ToString()).StartAsync();
            }
            catch (Exception e)
            {
                LogWakeFailed(logger, Id, silo, e.Message); // the silo may be leaving; its devices drop out of the table
            }
        }));
    }

    /// <summary>
    /// Every planned shard is written: removes what writers killed in the middle left in the job's folder, merges the
    /// errors, and completes the job (a watching job carries on).
    /// </summary>
    private async Task AllShardsDoneAsync()
    {
        var s = checkpoint.State;
        if (!s.ErrorsMerged)
        {
            var (folder, shards) = (stores.Folder(Job.Folder), s.ShardsTotal);
            await Task.Run(async () =>
            {
                await folder.RemoveAbandonedWritesAsync();
                await JobFiles.MergeErrorsAsync(folder, shards);
            });
            s.ErrorsMerged = true;
            await checkpoint.WriteStateAsync();
        }

        if (!Job.Spec.Watch)
        {
            await FinishAsync(JobState.Completed, error: null);
        }
    }

    /// <summary>Submits a schedule's run when it is due; a run whose model (or version) no silo serves is skipped.</summary>
    private async Task StartScheduledRunAsync()
    {
        if (Job.RunDue() is not { } due)
        {
            return;
        }

        var run = JobSchedule.RunId(Id, due);
        try
        {
            await GrainFactory.GetGrain<IBatchJobGrain>(run).SubmitAsync(Job.Spec with { Schedule = null });
            Job.RunStarted(run);
            LogScheduledRun(logger, Id, run);
        }
        catch (Exception e) when (e is UnknownModelException or UnknownVersionException)
        {
            Job.RunStarted(null);
            LogRunSkipped(logger, Id, due, Job.Spec.Model);
        }

        await checkpoint.WriteStateAsync();
    }

    private Task FinishAsync(JobState state, string? error)
    {
        Job.Finish(state, error);
        return FinishedAsync();
    }

    /// <summary>
    /// Persists a job that just finished and stops its reminder. A cancelled or failed job never reaches
    /// <see cref="AllShardsDoneAsync"/>, so what writers killed in the middle left in its folder is removed here; a store
    /// that cannot be reached then is logged, and the job is finished all the same.
    /// </summary>
    private async Task FinishedAsync()
    {
        await checkpoint.WriteStateAsync();
        await this.UnregisterReminderIfAnyAsync(ReminderName);
        var s = checkpoint.State;
        LogFinished(logger, Id, JobStateMachine.Name(s.State), s.ItemsSucceeded, s.ItemsFailed, s.Error ?? "");
        if (s.State is JobState.Cancelled or JobState.Failed)
        {
            try
            {
                await Task.Run(() => stores.Folder(Job.Folder).RemoveAbandonedWritesAsync());
            }
            catch (Exception e)
            {
                LogCleanupFailed(logger, Id, e.Message);
            }
        }
    }

    private DateTime Now() => time.GetUtcNow().UtcDateTime;
}
