using Argus.Devices;
using Argus.Errors;
using Argus.Jobs;

namespace Argus.Grains.Jobs;

/// <summary>
/// One job's rules over its checkpoint (<see cref="BatchJobState"/>) and its <see cref="ShardLeases"/>: which state
/// changes a caller may ask for, what a submit, a plan, a shard report, a pause or a cancel change, and the job's rate
/// and ETA. The states:
/// <code>
/// submit ─► Planning ─plan─► Running ─every shard written─► Completed
///              ▲  │            │  ▲
///              │  └─► Paused ◄─┘  │      pause drops every lease; resume plans again when the plan was not finished
///              └──── resume ──────┘
/// submit with a schedule ─► Scheduled (starts a run, a job of its own, at each occurrence)
/// Planning, Running, Paused, Scheduled ─cancel─► Cancelled;  Planning, Running ─can never run─► Failed
/// </code>
/// The grain persists the checkpoint after each change this class reports. Not thread-safe: the job's grain owns it.
/// </summary>
internal sealed class JobStateMachine
{
    /// <summary>How far back the items-per-second rate looks.</summary>
    internal static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(60);

    private readonly string _id;
    private readonly BatchJobState _s;
    private readonly TimeProvider _time;
    private readonly Queue<(DateTime At, int Items)> _finished = new();
    private DateTime _rateSince;
    private DateTime? _unservedSince;
    private DateTime? _planFailingSince;

    /// <summary>The job <paramref name="id"/> as its checkpoint left it: its unwritten shards wait, no shard is leased.</summary>
    public JobStateMachine(string id, BatchJobState state, TimeSpan lease, TimeProvider time)
    {
        _id = id;
        _s = state;
        _time = time;
        Leases = new ShardLeases(lease, time);
        _rateSince = Now();
        if (_s.State == JobState.Running)
        {
            Leases.Add(Unwritten());
        }
    }

    /// <summary>The job's lease table.</summary>
    public ShardLeases Leases { get; }

    /// <summary>The job's spec.</summary>
    /// <exception cref="UnknownJobException">No job has this id.</exception>
    public JobSpec Spec => _s.Spec ?? throw new UnknownJobException(_id);

    /// <summary>Whether a job was submitted under this id.</summary>
    public bool Exists => _s.Spec is not null;

    /// <summary>Where the job stands.</summary>
    public JobState State => _s.State;

    /// <summary>Whether the job has stopped for good.</summary>
    public bool IsFinished => IsFinal(_s.State);

    /// <summary>The job's output folder, <c>{output}/{id}</c>.</summary>
    public string Folder => JobFiles.Folder(Spec.Output, _id);

    /// <summary>Whether every shard planned so far is written.</summary>
    public bool AllShardsWritten => _s.DoneShards.Count == _s.ShardsTotal;

    /// <summary>Whether <paramref name="state"/> is final: completed, cancelled or failed.</summary>
    public static bool IsFinal(JobState state) => state is JobState.Completed or JobState.Cancelled or JobState.Failed;

    /// <summary>
    /// The devices of the routing table that can run <paramref name="spec"/>'s items: those that serve its version, or any
    /// version of its model when it names none (the rollout's stable version is chosen per call).
    /// </summary>
    public static IEnumerable<DeviceLoad> Serving(IEnumerable<DeviceLoad> devices, JobSpec spec) =>
        devices.Where(d => spec.Version is null ? d.Serves(spec.Model) : d.Find(spec.Model, spec.Version) is not null);

    /// <summary>
    /// Submits <paramref name="spec"/>: the job starts planning, or waits for its schedule's first occurrence. False when
    /// this very spec was submitted already (a retried submit), which changes nothing.
    /// </summary>
    /// <param name="spec">The spec.</param>
    /// <param name="devices">
    /// The routing table. When it has devices and none serves the model (or the version the spec names), the job could
    /// never run; when it is empty the cluster is still starting, and a job that then finds no device fails later
    /// (<see cref="NoDevice"/>).
    /// </param>
    /// <param name="fileProblems">
    /// What the file system says of the spec's paths (<see cref="JobStorage.Problems"/>), listed with the spec's own problems.
    /// </param>
    /// <exception cref="JobConflictException">The job exists with another spec.</exception>
    /// <exception cref="BadInputException">The spec is invalid: the message lists every problem.</exception>
    /// <exception cref="UnknownModelException">No device in a routing table that has some serves the model.</exception>
    /// <exception cref="UnknownVersionException">Devices serve the model, none the version the spec names.</exception>
    public bool Submit(JobSpec spec, IReadOnlyList<DeviceLoad> devices, IEnumerable<string>? fileProblems = null)
    {
        if (_s.Spec is not null)
        {
            return _s.Spec == spec ? false : throw new JobConflictException($"Job '{_id}' exists with another spec; submit under a new id.");
        }

        var now = Now();
        var problems = Problems(_id, spec, now, fileProblems ?? []).ToList();
        if (problems.Count > 0)
        {
            throw new BadInputException(JobSubmission.Describe(_id, problems));
        }

        if (devices.Count > 0 && !Serving(devices, spec).Any())
        {
            var versions = devices.SelectMany(d => d.Models).Where(m => string.Equals(m.Name, spec.Model, StringComparison.OrdinalIgnoreCase))
                .Select(m => m.Version).Distinct().Order(StringComparer.Ordinal).ToList();
            throw versions.Count == 0 ? new UnknownModelException(spec.Model) : new UnknownVersionException(spec.Model, spec.Version!, versions);
        }

        _s.Spec = spec;
        _s.SubmittedAt = now;
        _s.State = spec.Schedule is null ? JobState.Planning : JobState.Scheduled;
        _s.NextRunAt = spec.Schedule is null ? null : JobSchedule.Next(spec.Schedule, now);
        return true;
    }

    /// <summary>What is wrong with submitting <paramref name="spec"/> as job <paramref name="id"/> at <paramref name="now"/>, one line per problem.</summary>
    private static IEnumerable<string> Problems(string id, JobSpec spec, DateTime now, IEnumerable<string> fileProblems)
    {
        foreach (var problem in JobSubmission.Problems(id, spec))
        {
            yield return problem;
        }

        if (spec.Schedule is not null && JobSchedule.Problem(spec.Schedule, now) is { } schedule)
        {
            yield return schedule;
        }

        foreach (var problem in fileProblems)
        {
            yield return problem;
        }
    }

    /// <summary>Pauses a planning or running job: no shard is handed out and every lease is dropped. False when it was paused already.</summary>
    /// <exception cref="UnknownJobException">No job has this id.</exception>
    /// <exception cref="JobConflictException">The job is finished or a schedule.</exception>
    public bool Pause()
    {
        switch (Require())
        {
            case JobState.Paused:
                return false;
            case JobState.Planning or JobState.Running:
                _s.State = JobState.Paused;
                Leases.Clear();
                return true;
            default:
                throw new JobConflictException($"Job '{_id}' is {Name(_s.State)}: only a planning or running job can be paused.");
        }
    }

    /// <summary>
    /// Resumes a paused job: it runs its unwritten shards again, or plans again when its plan was not finished. False when
    /// it was not paused (planning, running or a schedule), which changes nothing.
    /// </summary>
    /// <exception cref="UnknownJobException">No job has this id.</exception>
    /// <exception cref="JobConflictException">The job is finished.</exception>
    public bool Resume()
    {
        switch (Require())
        {
            case JobState.Planning or JobState.Running or JobState.Scheduled:
                return false;
            case JobState.Paused:
                _s.State = _s.Planned ? JobState.Running : JobState.Planning;
                Leases.Clear();
                _unservedSince = null;
                if (_s.State == JobState.Running)
                {
                    Leases.Add(Unwritten());
                }

                return true;
            default:
                throw new JobConflictException($"Job '{_id}' is {Name(_s.State)}: only a paused job can be resumed.");
        }
    }

    /// <summary>Cancels the job for good (a schedule starts no more runs). False when it had finished already.</summary>
    /// <exception cref="UnknownJobException">No job has this id.</exception>
    public bool Cancel()
    {
        if (IsFinal(Require()))
        {
            return false;
        }

        Finish(JobState.Cancelled, error: null);
        return true;
    }

    /// <summary>Ends the job in <paramref name="state"/> (completed, cancelled or failed, with <paramref name="error"/>): every lease is dropped.</summary>
    public void Finish(JobState state, string? error)
    {
        _s.State = state;
        _s.Error = error;
        _s.FinishedAt = Now();
        _s.NextRunAt = null;
        Leases.Clear();
    }

    /// <summary>Leases the lowest waiting shard to a worker; null unless the job is running and has a shard waiting.</summary>
    public ShardLease? Lease() =>
        _s.State == JobState.Running && Leases.Grant() is { } grant
            ? new ShardLease(_id, grant.Shard, grant.LeaseId, Spec, Folder, Leases.Duration)
            : null;

    /// <summary>Keeps a lease alive. False: its worker stops the shard (the job is not running, the shard is written, or another worker holds it).</summary>
    public bool Renew(int shard, string leaseId) =>
        _s.State == JobState.Running && !_s.DoneShards.Contains(shard) && Leases.Renew(shard, leaseId);

    /// <summary>
    /// Records a shard written (or found written): its items count, and nobody runs it again. False when it changes
    /// nothing: the shard was recorded already (a second worker ran it), is not planned, or the job is over.
    /// </summary>
    public bool Complete(ShardReport report)
    {
        if (_s.Spec is null || IsFinished || report.Shard >= _s.ShardsTotal || !_s.DoneShards.Add(report.Shard))
        {
            return false;
        }

        Leases.Done(report.Shard);
        var failed = report.Failures.Values.Sum();
        _s.ItemsSucceeded += report.Succeeded;
        _s.ItemsFailed += failed;
        foreach (var (reason, count) in report.Failures)
        {
            _s.Failures[reason] = _s.Failures.GetValueOrDefault(reason) + count;
        }

        _s.ErrorsMerged &= failed == 0;
        _finished.Enqueue((Now(), report.Succeeded + failed));
        return true;
    }

    /// <summary>Why a first plan of <paramref name="items"/> items can never run (an empty input of a job that does not watch it); null when it can.</summary>
    public string? EmptyInput(long items) =>
        !_s.Planned && items == 0 && !Spec.Watch ? $"Input '{Spec.Input}' holds no images or videos." : null;

    /// <summary>
    /// Applies a plan of <paramref name="shards"/> more shards (numbered on from those planned) and <paramref name="items"/>
    /// items: they wait to be handed out and the job runs. False when it changes nothing: the job was paused or cancelled
    /// while it planned (it plans again on resume), or a watching job found nothing new.
    /// </summary>
    public bool Planned(int shards, long items)
    {
        if (_s.State is not (JobState.Planning or JobState.Running) || (_s.Planned && shards == 0))
        {
            return false;
        }

        Leases.Add(Enumerable.Range(_s.ShardsTotal, shards));
        _s.ShardsTotal += shards;
        _s.ItemsTotal += items;
        _s.Planned = true;
        _s.State = JobState.Running;
        _rateSince = Now();
        return true;
    }

    /// <summary>
    /// Notes whether a device in the routing table serves the job's model (at its version). Why the job fails once none has for
    /// <paramref name="limit"/> while it had shards to hand out (no shard would ever run); null until then.
    /// </summary>
    public string? NoDevice(IReadOnlyList<DeviceLoad> devices, TimeSpan limit)
    {
        if (Serving(devices, Spec).Any())
        {
            _unservedSince = null;
            return null;
        }

        var now = Now();
        _unservedSince ??= now;
        return now - _unservedSince >= limit
            ? $"No silo serves model '{Spec.Model}'{(Spec.Version is { } v ? $" version '{v}'" : "")}: none did for {limit.TotalSeconds:0.#} s while the job waited to run. Load the model on a silo and submit the job again."
            : null;
    }

    /// <summary>
    /// Why the job fails now that its first plan failed with <paramref name="failure"/>; null while it should plan again.
    /// A storage failure of the output (a full disk, an I/O error: an <see cref="IOException"/> other than a missing file)
    /// may pass, so it is tried again until one has lasted <paramref name="limit"/>; anything else fails the job at once,
    /// a bad input with its own message.
    /// </summary>
    public string? PlanFailed(Exception failure, TimeSpan limit)
    {
        if (failure is BadInputException)
        {
            return failure.Message;
        }

        if (failure is not IOException || failure is FileNotFoundException or DirectoryNotFoundException)
        {
            return $"Planning failed: {failure.Message}";
        }

        var now = Now();
        _planFailingSince ??= now;
        return now - _planFailingSince >= limit ? $"Planning failed for {limit.TotalSeconds:0.#} s: {failure.Message}" : null;
    }

    /// <summary>When a schedule's run is due now, its due time; null otherwise.</summary>
    public DateTime? RunDue() => _s.State == JobState.Scheduled && _s.NextRunAt is { } due && Now() >= due ? due : null;

    /// <summary>Records that a schedule started <paramref name="run"/> (null: it skipped the occurrence), and moves on to the next occurrence after now.</summary>
    public void RunStarted(string? run)
    {
        if (run is not null)
        {
            _s.Runs.Add(run);
        }

        _s.NextRunAt = JobSchedule.Next(Spec.Schedule!, Now());
    }

    /// <summary>
    /// The job's progress: items per second over the last <see cref="RateWindow"/> (since the job last started running,
    /// when that is later), and an ETA at that rate (none for a watching job, whose total keeps growing).
    /// </summary>
    /// <exception cref="UnknownJobException">No job has this id.</exception>
    public JobStatus Status()
    {
        var spec = Spec;
        var now = Now();
        while (_finished.TryPeek(out var oldest) && oldest.At < now - RateWindow)
        {
            _finished.Dequeue();
        }

        var since = _rateSince > now - RateWindow ? _rateSince : now - RateWindow;
        var seconds = (now - since).TotalSeconds;
        var rate = _s.State == JobState.Running && seconds >= 1 ? _finished.Sum(f => f.Items) / seconds : 0;
        var remaining = _s.ItemsTotal - _s.ItemsSucceeded - _s.ItemsFailed;
        TimeSpan? eta = rate > 0 && !spec.Watch ? TimeSpan.FromSeconds(remaining / rate) : null;
        return new JobStatus(
            _id, _s.State, spec, Folder, _s.ItemsTotal, _s.ItemsSucceeded, _s.ItemsFailed, _s.ShardsTotal, _s.DoneShards.Count,
            Leases.Leased, rate, eta, new Dictionary<string, long>(_s.Failures), _s.SubmittedAt, _s.FinishedAt, _s.Error, _s.NextRunAt,
            [.. _s.Runs]);
    }

    /// <summary>A state as callers read it, e.g. <c>running</c>.</summary>
    public static string Name(JobState state) => state.ToString().ToLowerInvariant();

    /// <summary>The job's state.</summary>
    /// <exception cref="UnknownJobException">No job has this id.</exception>
    private JobState Require() => _s.Spec is not null ? _s.State : throw new UnknownJobException(_id);

    private IEnumerable<int> Unwritten() => Enumerable.Range(0, _s.ShardsTotal).Where(s => !_s.DoneShards.Contains(s));

    private DateTime Now() => _time.GetUtcNow().UtcDateTime;
}
