using Argus.Devices;
using Argus.Errors;
using Argus.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Argus.Grains.Jobs;

/// <summary>
/// One job. Plans its input into shards in the background (plan files under the output folder), hands shards out as
/// leases to its workers, expires the leases of workers that stop renewing (their silo died), and persists every
/// shard it records, so it carries on from that checkpoint after a crash. A timer drives it while it is active; a
/// reminder wakes it after the whole cluster restarted. Outputs are idempotent, so a shard run twice (a lease lost with
/// this grain's silo, a slow worker overtaken) is still written once.
/// </summary>
internal sealed partial class BatchJobGrain(
    [PersistentState("job")] IPersistentState<BatchJobState> job,
    IOptions<JobOptions> options,
    JobInstruments instruments,
    TimeProvider time,
    ILogger<BatchJobGrain> logger)
    : Grain, IBatchJobGrain, IRemindable
{
    private const string ReminderName = "argus-job";

    /// <summary>How far back the items-per-second rate looks.</summary>
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(60);

    private readonly JobOptions _options = options.Value;
    private readonly Dictionary<int, (string Id, DateTime Expires)> _leases = [];
    private readonly SortedSet<int> _pending = [];
    private readonly Queue<(DateTime At, int Items)> _finished = new();
    private Task<PlanResult>? _planning;
    private HashSet<string>? _known;
    private DateTime _nextListing;
    private DateTime _rateSince;
    private IGrainTimer? _timer;

    private string Id => this.GetPrimaryKeyString();

    private BatchJobState S => job.State;

    private string Folder => JobFiles.Folder(S.Spec!.Output, Id);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Spec is not null && !IsFinished(S.State))
        {
            _rateSince = Now();
            RebuildPending();
            StartTicking();
        }

        return Task.CompletedTask;
    }

    public async Task<JobStatus> SubmitAsync(JobSpec spec)
    {
        if (S.Spec is not null)
        {
            return S.Spec == spec
                ? Status()
                : throw new JobConflictException($"Job '{Id}' exists with another spec; submit under a new id.");
        }

        var problems = Problems(spec).ToList();
        if (problems.Count > 0)
        {
            throw new BadInputException(JobSubmission.Describe(Id, problems));
        }

        var now = Now();
        job.State = new BatchJobState { Spec = spec, SubmittedAt = now, State = spec.Schedule is null ? JobState.Planning : JobState.Scheduled };
        if (spec.Schedule is not null)
        {
            S.NextRunAt = JobSchedule.Next(spec.Schedule, now);
        }

        await job.WriteStateAsync();
        await GrainFactory.GetGrain<IJobRegistryGrain>(0).AddAsync(Id);
        await this.RegisterOrUpdateReminder(ReminderName, _options.ReminderPeriod, _options.ReminderPeriod);
        LogSubmitted(logger, Id, spec.Input, spec.Model);
        StartTicking();
        return Status();
    }

    public Task<JobStatus> GetStatusAsync() => Task.FromResult(Status());

    public async Task<JobStatus> PauseAsync()
    {
        RequireJob();
        switch (S.State)
        {
            case JobState.Paused:
                return Status();
            case JobState.Planning or JobState.Running:
                S.State = JobState.Paused;
                DropLeases();
                await job.WriteStateAsync();
                return Status();
            default:
                throw new JobConflictException($"Job '{Id}' is {Name(S.State)}: only a planning or running job can be paused.");
        }
    }

    public async Task<JobStatus> ResumeAsync()
    {
        RequireJob();
        switch (S.State)
        {
            case JobState.Planning or JobState.Running or JobState.Scheduled:
                return Status();
            case JobState.Paused:
                S.State = S.Planned ? JobState.Running : JobState.Planning;
                RebuildPending();
                await job.WriteStateAsync();
                return Status();
            default:
                throw new JobConflictException($"Job '{Id}' is {Name(S.State)}: only a paused job can be resumed.");
        }
    }

    public async Task<JobStatus> CancelAsync()
    {
        RequireJob();
        if (!IsFinished(S.State))
        {
            await FinishAsync(JobState.Cancelled, error: null);
        }

        return Status();
    }

    public Task<ShardLease?> LeaseShardAsync(string silo)
    {
        if (S.State != JobState.Running || _pending.Count == 0)
        {
            return Task.FromResult<ShardLease?>(null);
        }

        var shard = _pending.Min;
        _pending.Remove(shard);
        var lease = new ShardLease(Id, shard, Guid.NewGuid().ToString("N"), S.Spec!, Folder, _options.Lease);
        _leases[shard] = (lease.LeaseId, Now() + _options.Lease);
        LogLeased(logger, Id, shard, silo);
        return Task.FromResult<ShardLease?>(lease);
    }

    public Task<bool> RenewLeaseAsync(int shard, string leaseId)
    {
        if (S.State != JobState.Running || S.DoneShards.Contains(shard))
        {
            return Task.FromResult(false);
        }

        if (_leases.TryGetValue(shard, out var lease) && lease.Id != leaseId)
        {
            return Task.FromResult(false); // it expired and went to another worker
        }

        // A lease this activation does not know was handed out before this grain moved: the worker keeps it.
        _pending.Remove(shard);
        _leases[shard] = (leaseId, Now() + _options.Lease);
        return Task.FromResult(true);
    }

    public async Task CompleteShardAsync(ShardReport report)
    {
        if (_leases.TryGetValue(report.Shard, out var lease) && lease.Id == report.LeaseId)
        {
            _leases.Remove(report.Shard);
        }

        if (S.Spec is null || IsFinished(S.State) || report.Shard >= S.ShardsTotal || !S.DoneShards.Add(report.Shard))
        {
            return; // recorded already (a second worker ran it), or the job is over
        }

        _pending.Remove(report.Shard);
        var failed = report.Failures.Values.Sum();
        S.ItemsSucceeded += report.Succeeded;
        S.ItemsFailed += failed;
        foreach (var (reason, count) in report.Failures)
        {
            S.Failures[reason] = S.Failures.GetValueOrDefault(reason) + count;
        }

        S.ErrorsMerged &= failed == 0;
        _finished.Enqueue((Now(), report.Succeeded + failed));
        instruments.ShardDone(Id, S.Spec.Model, report.Succeeded, report.Failures, report.Skipped);
        await job.WriteStateAsync();
        if (S.DoneShards.Count == S.ShardsTotal && _planning is null && S.State == JobState.Running)
        {
            await AllShardsDoneAsync(); // the last shard: complete now, not a tick later
        }
    }

    public Task ReleaseShardAsync(int shard, string leaseId)
    {
        if (_leases.TryGetValue(shard, out var lease) && lease.Id == leaseId)
        {
            _leases.Remove(shard);
            if (S.State == JobState.Running && !S.DoneShards.Contains(shard))
            {
                _pending.Add(shard);
            }
        }

        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (S.Spec is null || IsFinished(S.State))
        {
            await UnregisterReminderAsync();
        }

        // Activation started the timer; nothing else to do.
    }

    private void StartTicking() =>
        _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, _options.Tick) { KeepAlive = true });

    /// <summary>Moves the job on: applies a finished plan, expires leases, wakes workers, finishes, starts scheduled runs.</summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        switch (S.State)
        {
            case JobState.Planning:
                await PlanAsync();
                if (S.State == JobState.Running)
                {
                    await WakeWorkersAsync(); // now, not a tick later
                }

                break;
            case JobState.Running:
                ExpireLeases();
                if (S.Spec!.Watch)
                {
                    await PlanAsync();
                }

                if (_pending.Count > 0)
                {
                    await WakeWorkersAsync();
                }
                else if (_leases.Count == 0 && S.DoneShards.Count == S.ShardsTotal && _planning is null)
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
        if (_planning is null)
        {
            if (S.Planned && Now() < _nextListing)
            {
                return;
            }

            var (spec, folder, first, planned, known) = (S.Spec!, Folder, S.ShardsTotal, S.Planned, _known);
            DateTime? settled = spec.Watch ? Now() - _options.WatchSettle : null;
            _planning = Task.Run(() => Plan(spec, folder, first, planned ? known ?? KnownFiles(folder, first) : null, settled));
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
            if (S.Planned)
            {
                LogListingFailed(logger, Id, failure.Message); // a watching job tries again at its next listing
                return;
            }

            await FinishAsync(JobState.Failed, failure is BadInputException ? failure.Message : $"Planning failed: {failure.Message}");
            return;
        }

        var plan = planning.Result;
        if (!S.Planned && plan.Items == 0 && !S.Spec!.Watch)
        {
            await FinishAsync(JobState.Failed, $"Input '{S.Spec.Input}' holds no images or videos.");
            return;
        }

        _known = plan.Files;
        if (S.State is not (JobState.Planning or JobState.Running) || (S.Planned && plan.Shards == 0))
        {
            return; // paused or cancelled meanwhile (planned again on resume), or nothing new
        }

        for (var shard = S.ShardsTotal; shard < S.ShardsTotal + plan.Shards; shard++)
        {
            _pending.Add(shard);
        }

        S.ShardsTotal += plan.Shards;
        S.ItemsTotal += plan.Items;
        S.Planned = true;
        S.State = JobState.Running;
        _rateSince = Now();
        await job.WriteStateAsync();
        LogPlanned(logger, Id, plan.Items, plan.Shards);
    }

    /// <summary>
    /// Lists the input, leaving out <paramref name="known"/> files and files changed after <paramref name="settled"/>, and
    /// writes shard plans from <paramref name="first"/> on.
    /// </summary>
    private static PlanResult Plan(JobSpec spec, string folder, int first, IReadOnlySet<string>? known, DateTime? settled)
    {
        var fresh = JobPlanner.ListFiles(spec.Input)
            .Where(f => known?.Contains(f) != true && (settled is not { } cutoff || File.GetLastWriteTimeUtc(f) <= cutoff))
            .ToList();
        var shard = first;
        long items = 0;
        foreach (var chunk in JobPlanner.Items(fresh, spec.VideoFps).Chunk(spec.ShardSize))
        {
            JobFiles.WritePlan(folder, shard++, chunk);
            items += chunk.Length;
        }

        // Only a watching job needs to remember what it listed.
        HashSet<string>? files = null;
        if (spec.Watch)
        {
            files = known is null ? new(StringComparer.Ordinal) : new(known, StringComparer.Ordinal);
            files.UnionWith(fresh);
        }

        return new PlanResult(shard - first, items, files);
    }

    /// <summary>The files a watching job planned already, read back from its plan files after it moved.</summary>
    private static HashSet<string> KnownFiles(string folder, int shards) =>
        new(Enumerable.Range(0, shards).SelectMany(s => JobFiles.ReadPlan(folder, s)).Select(i => i.Path), StringComparer.Ordinal);

    private void ExpireLeases()
    {
        var now = Now();
        foreach (var (shard, lease) in _leases.Where(l => l.Value.Expires < now).ToList())
        {
            _leases.Remove(shard);
            _pending.Add(shard);
            LogLeaseExpired(logger, Id, shard);
        }
    }

    /// <summary>Starts the workers of every silo with a device that serves the job's model, but silos that drain.</summary>
    private async Task WakeWorkersAsync()
    {
        try
        {
            var devices = await GrainFactory.GetGrain<IDeviceDirectoryGrain>(0).GetDevicesAsync();
            var silos = devices
                .Where(d => !d.Draining && d.Models.Contains(S.Spec!.Model, StringComparer.OrdinalIgnoreCase))
                .Select(d => d.Silo).Distinct();
            await Task.WhenAll(silos.Select(async silo =>
            {
                try
                {
                    await GrainFactory.GetGrain<IBatchWorkerGrain>($"{silo}/{Id}").StartAsync();
                }
                catch (Exception e)
                {
                    LogWakeFailed(logger, Id, silo, e.Message); // the silo may be leaving; its devices drop out of the table
                }
            }));
        }
        catch (Exception e)
        {
            LogWakeFailed(logger, Id, "*", e.Message); // the routing table may be moving with a lost silo; the next tick retries
        }
    }

    /// <summary>Every planned shard is written: merges the errors, and completes the job (a watching job carries on).</summary>
    private async Task AllShardsDoneAsync()
    {
        if (!S.ErrorsMerged)
        {
            var (folder, shards) = (Folder, S.ShardsTotal);
            await Task.Run(() => JobFiles.MergeErrors(folder, shards));
            S.ErrorsMerged = true;
            await job.WriteStateAsync();
        }

        if (!S.Spec!.Watch)
        {
            await FinishAsync(JobState.Completed, error: null);
        }
    }

    private async Task StartScheduledRunAsync()
    {
        var now = Now();
        if (S.NextRunAt is not { } due || now < due)
        {
            return;
        }

        var run = JobSchedule.RunId(Id, due);
        await GrainFactory.GetGrain<IBatchJobGrain>(run).SubmitAsync(S.Spec! with { Schedule = null });
        S.Runs.Add(run);
        S.NextRunAt = JobSchedule.Next(S.Spec!.Schedule!, now);
        await job.WriteStateAsync();
        LogScheduledRun(logger, Id, run);
    }

    private async Task FinishAsync(JobState state, string? error)
    {
        S.State = state;
        S.Error = error;
        S.FinishedAt = Now();
        S.NextRunAt = null;
        DropLeases();
        await job.WriteStateAsync();
        await UnregisterReminderAsync();
        LogFinished(logger, Id, Name(state), S.ItemsSucceeded, S.ItemsFailed, error ?? "");
    }

    private async Task UnregisterReminderAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private void DropLeases()
    {
        _leases.Clear();
        _pending.Clear();
    }

    /// <summary>Every planned shard not written is pending (none while the job is not running); leases start empty.</summary>
    private void RebuildPending()
    {
        DropLeases();
        if (S.State == JobState.Running)
        {
            _pending.UnionWith(Enumerable.Range(0, S.ShardsTotal).Where(s => !S.DoneShards.Contains(s)));
        }
    }

    private IEnumerable<string> Problems(JobSpec spec)
    {
        foreach (var problem in JobSubmission.Problems(Id, spec))
        {
            yield return problem;
        }

        if (spec.Schedule is not null && JobSchedule.TryParse(spec.Schedule) is null)
        {
            yield return $"schedule '{spec.Schedule}' is not a cron expression of five fields (minute hour day month weekday, e.g. '0 2 * * *') or six (seconds first).";
        }

        if (Path.IsPathFullyQualified(spec.Input) && !JobPlanner.CanWatch(spec.Input) && !File.Exists(spec.Input))
        {
            yield return $"input '{spec.Input}' does not exist (a folder, a glob or a manifest file, as the silos see it).";
        }
        else if (spec.Watch && Path.IsPathFullyQualified(spec.Input) && !JobPlanner.CanWatch(spec.Input))
        {
            yield return $"watch needs a folder or a glob as input, not '{spec.Input}'.";
        }
    }

    private void RequireJob()
    {
        if (S.Spec is null)
        {
            throw new UnknownJobException(Id);
        }
    }

    private JobStatus Status()
    {
        RequireJob();
        var now = Now();
        while (_finished.TryPeek(out var oldest) && oldest.At < now - RateWindow)
        {
            _finished.Dequeue();
        }

        var since = _rateSince > now - RateWindow ? _rateSince : now - RateWindow;
        var seconds = (now - since).TotalSeconds;
        var rate = S.State == JobState.Running && seconds >= 1 ? _finished.Sum(f => f.Items) / seconds : 0;
        var remaining = S.ItemsTotal - S.ItemsSucceeded - S.ItemsFailed;
        TimeSpan? eta = rate > 0 && !S.Spec!.Watch ? TimeSpan.FromSeconds(remaining / rate) : null;
        return new JobStatus(
            Id, S.State, S.Spec!, Folder, S.ItemsTotal, S.ItemsSucceeded, S.ItemsFailed, S.ShardsTotal, S.DoneShards.Count,
            _leases.Count, rate, eta, new Dictionary<string, long>(S.Failures), S.SubmittedAt, S.FinishedAt, S.Error, S.NextRunAt,
            [.. S.Runs]);
    }

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    private static bool IsFinished(JobState state) => state is JobState.Completed or JobState.Cancelled or JobState.Failed;

    private static string Name(JobState state) => state.ToString().ToLowerInvariant();

    /// <summary>What one planning pass produced.</summary>
    private sealed record PlanResult(int Shards, long Items, HashSet<string>? Files);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} submitted: {Input} through {Model}")]
    private static partial void LogSubmitted(ILogger logger, string job, string input, string model);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} planned {Items} more items in {Shards} shards")]
    private static partial void LogPlanned(ILogger logger, string job, long items, int shards);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {Job} leased shard {Shard} to {Silo}")]
    private static partial void LogLeased(ILogger logger, string job, int shard, string silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: the lease of shard {Shard} expired; it is handed out again")]
    private static partial void LogLeaseExpired(ILogger logger, string job, int shard);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {Job} could not wake the worker of {Silo}: {Error}")]
    private static partial void LogWakeFailed(ILogger logger, string job, string silo, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job} could not list its input: {Error}")]
    private static partial void LogListingFailed(ILogger logger, string job, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {Job} started run {Run}")]
    private static partial void LogScheduledRun(ILogger logger, string job, string run);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} {State}: {Succeeded} items succeeded, {Failed} failed {Error}")]
    private static partial void LogFinished(ILogger logger, string job, string state, long succeeded, long failed, string error);
}
