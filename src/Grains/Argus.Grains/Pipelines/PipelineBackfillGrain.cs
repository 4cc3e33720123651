using Argus.Errors;
using Argus.Grains.Jobs;
using Argus.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Argus.Grains.Pipelines;

/// <summary>
/// A backfill: walks its window's minutes in the pipeline's item index (<see cref="IPipelineItemsGrain"/>), a page of
/// <see cref="InFlight"/> items at a time, and asks each item's grain to re-score itself. A page is counted and the
/// checkpoint (the minute and the last id reached) persisted only once every item of it has answered; a page with an
/// item that could not be re-scored yet (a busy batch lane, a lost silo) is run again later, whole: the items already
/// re-scored answer so again without inferring, so each item is counted once. A reminder resumes the walk from the
/// checkpoint after the grain's silo was lost.
/// </summary>
internal sealed partial class PipelineBackfillGrain(
    [PersistentState("pipeline-backfill")] IPersistentState<PipelineBackfillGrain.State> state,
    TimeProvider time, IOptions<JobOptions> jobs, ILogger<PipelineBackfillGrain> logger)
    : Grain, IPipelineBackfillGrain, IRemindable
{
    /// <summary>Items re-scored at once: enough for the batch lane to form full batches, few enough not to crowd it.</summary>
    internal const int InFlight = 32;

    /// <summary>Minutes walked without an item before the checkpoint is persisted anyway.</summary>
    private const int EmptyMinutesPerCheckpoint = 60;

    private const string RunReminder = "backfill";

    /// <summary>The longest wait before a page that could not run is tried again.</summary>
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);

    private IGrainTimer? _run;
    private int _retries;
    private int _emptyMinutes;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (IsRunning)
        {
            Run(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    public async Task<BackfillStatus> StartAsync(BackfillSpec spec)
    {
        if (Status() is { } known)
        {
            return known;
        }

        // Listed first: a backfill recorded but not listed would be invisible to GET …/backfills.
        await GrainFactory.GetGrain<IPipelineBackfillRegistryGrain>(spec.Pipeline).AddAsync(spec.Id);
        await this.RegisterOrUpdateReminder(RunReminder, jobs.Value.ReminderPeriod, jobs.Value.ReminderPeriod);
        state.State = new State
        {
            Spec = spec,
            Phase = BackfillState.Running,
            StartedAt = time.GetUtcNow().UtcDateTime,
            Minute = PipelineMinutes.MinuteOf(spec.From),
        };
        await state.WriteStateAsync();
        LogStarted(logger, spec.Pipeline, spec.Id, spec.Model, spec.Version, spec.From, spec.To);
        Run(TimeSpan.Zero);
        return Status()!;
    }

    public Task<BackfillStatus?> GetAsync() => Task.FromResult(Status());

    public async Task<BackfillStatus?> CancelAsync()
    {
        if (IsRunning)
        {
            await FinishAsync(BackfillState.Cancelled, null);
        }

        return Status();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (IsRunning)
        {
            Run(TimeSpan.Zero);
        }
        else
        {
            await this.UnregisterReminderIfAnyAsync(RunReminder);
        }
    }

    private bool IsRunning => state.State is { Spec: not null, Phase: BackfillState.Running };

    private void Run(TimeSpan due)
    {
        if (_run is null)
        {
            _run = this.RegisterGrainTimer(RunPageAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        }
        else
        {
            _run.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Runs the next page of the window, or finishes the backfill past its last minute.</summary>
    private async Task RunPageAsync(CancellationToken cancellationToken)
    {
        if (!IsRunning)
        {
            return;
        }

        var spec = state.State.Spec!;
        if (state.State.Minute > PipelineMinutes.MinuteOf(spec.To.AddTicks(-1)))
        {
            await FinishAsync(BackfillState.Completed, null);
            return;
        }

        IReadOnlyList<PipelineItemEntry> page;
        RescoreAnswer[] answers;
        try
        {
            page = await GrainFactory.GetGrain<IPipelineItemsGrain>(PipelineMinutes.KeyOf(spec.Pipeline, state.State.Minute))
                .ListAsync(null, state.State.After, InFlight);
            answers = await Task.WhenAll(page.Where(e => e.SubmittedAt >= spec.From && e.SubmittedAt < spec.To)
                .Select(e => GrainFactory.GetGrain<IPipelineItemGrain>(PipelineItem.KeyOf(spec.Pipeline, e.Id)).RescoreAsync(spec)));
        }
        catch (Exception e) when (e is UnknownModelException or UnknownVersionException)
        {
            await FinishAsync(BackfillState.Failed, $"The backfill's model stopped being served: {e.Message}");
            return;
        }
        catch (Exception e)
        {
            // A lost silo, a timed-out call, an index grain's storage failing: the page is run again, from the checkpoint.
            RetryLater(spec, e.Message);
            return;
        }

        if (answers.FirstOrDefault(a => a.Outcome == RescoreOutcome.Busy) is { } busy)
        {
            RetryLater(spec, busy.Message ?? "busy");
            return;
        }

        _retries = 0;
        foreach (var answer in answers)
        {
            Count(answer);
        }

        if (page.Count < InFlight)
        {
            state.State.Minute = state.State.Minute.AddMinutes(1);
            state.State.After = null;
        }
        else
        {
            state.State.After = page[^1].Id;
        }

        if (answers.Length > 0 || ++_emptyMinutes >= EmptyMinutesPerCheckpoint)
        {
            _emptyMinutes = 0;
            await state.WriteStateAsync();
        }

        Run(TimeSpan.Zero);
    }

    private void Count(RescoreAnswer answer)
    {
        var s = state.State;
        switch (answer.Outcome)
        {
            case RescoreOutcome.Rescored:
                s.Rescored++;
                return;
            case RescoreOutcome.Skipped:
                s.Skipped++;
                break;
            default:
                s.Failed++;
                break;
        }

        var reason = answer.Reason ?? "unknown";
        s.Reasons[reason] = s.Reasons.GetValueOrDefault(reason) + 1;
    }

    /// <summary>Runs the page again after a wait that doubles with each retry in a row, up to <see cref="MaxRetry"/>.</summary>
    private void RetryLater(BackfillSpec spec, string error)
    {
        var wait = TimeSpan.FromSeconds(Math.Min(MaxRetry.TotalSeconds, Math.Pow(2, Math.Min(_retries++, 8))));
        LogPageRetried(logger, spec.Pipeline, spec.Id, state.State.Minute, wait, error);
        Run(wait);
    }

    private async Task FinishAsync(BackfillState phase, string? error)
    {
        var s = state.State;
        s.Phase = phase;
        s.Error = error;
        s.FinishedAt = time.GetUtcNow().UtcDateTime;
        await state.WriteStateAsync();
        LogFinished(logger, s.Spec!.Pipeline, s.Spec.Id, phase, s.Rescored, s.Skipped, s.Failed, error);
        await this.UnregisterReminderIfAnyAsync(RunReminder);
    }

    private BackfillStatus? Status()
    {
        if (state.State is not { Spec: { } spec } s)
        {
            return null;
        }

        var reached = s.Phase == BackfillState.Completed || s.Minute > spec.To ? spec.To : s.Minute;
        return new BackfillStatus(spec.Id, spec.Pipeline, spec.Model, spec.Version, s.Phase, s.Rescored + s.Skipped + s.Failed, s.Rescored, s.Skipped,
            s.Failed, s.StartedAt, s.FinishedAt, s.Error, spec.From, spec.To, reached, new Dictionary<string, long>(s.Reasons));
    }

    /// <summary>What a backfill persists: its spec, progress and checkpoint.</summary>
    [GenerateSerializer, Alias("Argus.Grains.Pipelines.PipelineBackfillGrain.State")]
    internal sealed class State
    {
        /// <summary>The spec; null when no backfill has this key.</summary>
        [Id(0)] public BackfillSpec? Spec { get; set; }

        /// <summary>Running, completed, cancelled or failed.</summary>
        [Id(1)] public BackfillState Phase { get; set; }

        /// <summary>The checkpoint: the minute of the index being walked.</summary>
        [Id(2)] public DateTime Minute { get; set; }

        /// <summary>The checkpoint: the last id of that minute already counted; null: none yet.</summary>
        [Id(3)] public string? After { get; set; }

        /// <summary>Items re-scored.</summary>
        [Id(4)] public long Rescored { get; set; }

        /// <summary>Items skipped.</summary>
        [Id(5)] public long Skipped { get; set; }

        /// <summary>Items failed.</summary>
        [Id(6)] public long Failed { get; set; }

        /// <summary>Why items were skipped or failed: code → count.</summary>
        [Id(7)] public Dictionary<string, long> Reasons { get; set; } = [];

        /// <summary>When it started (UTC).</summary>
        [Id(8)] public DateTime StartedAt { get; set; }

        /// <summary>When it finished (UTC).</summary>
        [Id(9)] public DateTime? FinishedAt { get; set; }

        /// <summary>Why it failed.</summary>
        [Id(10)] public string? Error { get; set; }
    }
}
