using Argus.Devices;
using Argus.Errors;
using Argus.Grains.Devices;
using Argus.Grains.Jobs;
using Argus.Grains.Storage;
using Argus.Inference.Storage;
using Argus.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Argus.Grains.Pipelines;

/// <summary>
/// An item of a pipeline: the fast tier at submit, then, for an item the spec sends on, the heavy tier in the batch lane.
/// The grain is the item's single writer and not reentrant, so a key submitted twice meets the stored item, and the heavy
/// result is recorded once; a reminder restarts the heavy call after the item's silo was lost, and a call lost meanwhile
/// is made again (the same image through the same rule: a repeat changes nothing but the times). After every change the
/// item is announced: its entry recorded in its minute's index, and once it is final, appended to the current minute's
/// finals log; both are idempotent, and <see cref="State.Announced"/> is persisted only once both are done, so a silo
/// lost in between announces it again at the next activation. With an archive, a new item's image is kept there before
/// the item is stored, so a backfill can re-score it later (<see cref="RescoreAsync"/>), through the same single writer.
/// The final lag is the pipeline's SLO (<see cref="FinalDeadline"/>): recorded when the item becomes final or failed, and
/// warned of once (per activation) when a pending item has used half its deadline. Past the pipeline's retention, its
/// <see cref="PipelineRetentionGrain"/> removes the item (<see cref="ExpireAsync"/>).
/// </summary>
internal sealed partial class PipelineItemGrain(
    [PersistentState("pipeline-item")] IPersistentState<PipelineItemGrain.State> state,
    InferenceDoor door, TimeProvider time, IOptions<JobOptions> jobs, IOptions<StorageOptions> storage, JobStores stores, PipelineInstruments instruments,
    ILogger<PipelineItemGrain> logger)
    : Grain, IPipelineItemGrain, IRemindable
{
    private const string HeavyReminder = "heavy";

    /// <summary>How long the fast call may wait for a busy device: within the submit's own timeout, so its caller hears why.</summary>
    private static readonly TimeSpan FastDeadline = TimeSpan.FromSeconds(25);

    /// <summary>When a heavy call that failed for a passing reason (overloaded, a lost silo) is tried again, while the grain is active.</summary>
    private static readonly TimeSpan HeavyRetry = TimeSpan.FromSeconds(1);

    private IGrainTimer? _heavy;
    private IGrainTimer? _atRisk;
    private bool _warnedAtRisk;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (IsPending)
        {
            WatchDeadline();
        }

        if (IsPending || state.State is { Item: not null, Announced: false })
        {
            StartHeavy(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        instruments.Left(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public async Task<ItemSubmission> SubmitAsync(PipelineSpec spec, Immutable<byte[]> image, string? source)
    {
        if (state.State.Item is { } stored)
        {
            return new ItemSubmission(stored, Created: false, Refused: null);
        }

        var (pipeline, id) = Key();
        var started = time.GetUtcNow().UtcDateTime;
        var request = new InferenceRequest(
            spec.FastModel, [InferenceInput.FromImage(image.Value)], Lane.Interactive, started + FastDeadline, Version: spec.FastVersion, Tenant: spec.Tenant);
        var response = await door.InferAsync(request, id, CancellationToken.None);
        var answer = response.Items[0];
        if (answer.Error is { Kind: not ErrorKind.BadInput } passing)
        {
            // Not the item's fault: nothing is stored, so the same key may be submitted again.
            return new ItemSubmission(null, Created: false, Refused: passing);
        }

        PipelineItem item;
        if (answer.Error is { } unusable)
        {
            item = new PipelineItem(pipeline, id, PipelineItemState.Failed, started, null, null, Heavy: false, unusable) { Image = source };
        }
        else
        {
            var provisional = Result(spec.FastRule, response, answer, started);
            var heavy = spec.SendsToHeavy(id, provisional.Decision);
            item = new PipelineItem(pipeline, id, heavy ? PipelineItemState.Pending : PipelineItemState.Final, started, provisional,
                heavy ? null : provisional, heavy, null) { Image = source };
        }

        if (spec.Archive is { } archive && source is null && item.State != PipelineItemState.Failed) // a watched file is kept where it is
        {
            try
            {
                item = item with { Image = await PipelineArchive.KeepAsync(stores, archive, id, image.Value) };
            }
            catch (Exception e) when (e is BadInputException or IOException)
            {
                // Nothing is stored: an item the pipeline promises to keep is not kept half.
                return new ItemSubmission(null, Created: false,
                    Refused: new InferenceError(e is BadInputException ? ErrorKind.BadInput : ErrorKind.Internal, $"The image could not be archived: {e.Message}"));
            }
        }

        if (item.State == PipelineItemState.Pending)
        {
            // Before the item is stored: a stored pending item always has its reminder.
            await this.RegisterOrUpdateReminder(HeavyReminder, jobs.Value.ReminderPeriod, jobs.Value.ReminderPeriod);
            state.State = new State { Item = item, Spec = spec, Image = image.Value };
        }
        else
        {
            state.State = new State { Item = item };
        }

        await state.WriteStateAsync();
        LogSubmitted(logger, pipeline, id, item.State, item.Provisional?.Decision);
        if (item.State == PipelineItemState.Pending)
        {
            WatchDeadline();
        }
        else
        {
            instruments.Finished(pipeline, time.GetUtcNow().UtcDateTime - started, spec.DeadlineS);
        }

        StartHeavy(TimeSpan.Zero); // announces the item, then calls the heavy tier if it is pending

        return new ItemSubmission(item, Created: true, Refused: null);
    }

    public Task<PipelineItem?> GetAsync() => Task.FromResult(state.State.Item);

    public async Task<RescoreAnswer> RescoreAsync(BackfillSpec backfill)
    {
        if (state.State.Item is not { } item)
        {
            return new RescoreAnswer(RescoreOutcome.Skipped, "unknown_item", "No item was submitted under this key.");
        }

        if (item.Final?.Backfill == backfill.Id || item.Superseded.Any(r => r.Backfill == backfill.Id))
        {
            return RescoreAnswer.Rescored;
        }

        var reason = item switch
        {
            { State: PipelineItemState.Pending } => new RescoreAnswer(RescoreOutcome.Skipped, "pending", "The item is pending: its heavy tier decides it with the pipeline's spec."),
            { State: PipelineItemState.Failed } => new RescoreAnswer(RescoreOutcome.Skipped, "failed_item", $"The item failed: {item.Error?.Message}"),
            { Image: null } => new RescoreAnswer(RescoreOutcome.Skipped, "no_image", "The item's image was not kept (the pipeline had no archive when it was submitted)."),
            _ => null,
        };
        if (reason is not null)
        {
            return reason;
        }

        byte[] image;
        try
        {
            image = await PipelineArchive.ReadAsync(stores, storage.Value, item.Image!, CancellationToken.None);
        }
        catch (Exception e) when (e is PathRefusedException or BadInputException or IOException)
        {
            return new RescoreAnswer(RescoreOutcome.Failed, "unreadable", e.Message);
        }

        var started = time.GetUtcNow().UtcDateTime;
        var request = new InferenceRequest(
            backfill.Model, [InferenceInput.FromImage(image)], Lane.Batch, started + PipelineCalls.RescoreDeadline, Version: backfill.Version, Tenant: backfill.Tenant);
        InferenceResponse response;
        try
        {
            response = await door.InferAsync(request, item.Id, CancellationToken.None);
        }
        catch (BadInputException e)
        {
            return new RescoreAnswer(RescoreOutcome.Failed, "bad_input", e.Message);
        }
        catch (Exception e) when (e is ArgusException and not (UnknownModelException or UnknownVersionException) || SiloLoss.Is(e))
        {
            return new RescoreAnswer(RescoreOutcome.Busy, "busy", e.Message);
        }

        var answer = response.Items[0];
        if (answer.Error is { } error)
        {
            // As in the heavy tier: an image the model cannot use fails, any other reason passes and is tried again.
            return error.Kind == ErrorKind.BadInput
                ? new RescoreAnswer(RescoreOutcome.Failed, "bad_input", error.Message)
                : new RescoreAnswer(RescoreOutcome.Busy, "busy", error.Message);
        }

        var rescored = item with
        {
            Final = Result(backfill.Rule, response, answer, started) with { Backfill = backfill.Id },
            Superseded = [.. item.Superseded, item.Final!],
        };

        // Before the item is stored: the reminder announces it again when this silo is lost before the timer did.
        await this.RegisterOrUpdateReminder(HeavyReminder, jobs.Value.ReminderPeriod, jobs.Value.ReminderPeriod);
        state.State = new State { Item = rescored };
        await state.WriteStateAsync();
        LogRescored(logger, item.Pipeline, item.Id, backfill.Id, rescored.Final.Decision);
        StartHeavy(TimeSpan.Zero); // announces the new final
        return RescoreAnswer.Rescored;
    }

    public async Task<bool> ExpireAsync()
    {
        DeactivateOnIdle(); // a swept item is not asked for again
        if (state.State.Item is not { } item)
        {
            return false;
        }

        if (item.State == PipelineItemState.Pending)
        {
            LogExpiredPending(logger, item.Pipeline, item.Id);
        }

        // A reminder left behind finds no item at its next tick and removes itself.
        _heavy?.Dispose();
        _heavy = null;
        _atRisk?.Dispose();
        _atRisk = null;
        instruments.Left(this.GetPrimaryKeyString());
        await state.ClearStateAsync();
        return true;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (IsPending || state.State is { Item: not null, Announced: false })
        {
            StartHeavy(TimeSpan.Zero);
        }
        else
        {
            await this.UnregisterReminderIfAnyAsync(HeavyReminder);
        }
    }

    private bool IsPending => state.State.Item?.State == PipelineItemState.Pending;

    private void StartHeavy(TimeSpan due)
    {
        if (_heavy is null)
        {
            _heavy = this.RegisterGrainTimer(RunHeavyAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan));
        }
        else
        {
            _heavy.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Announces the item if it is not yet, then makes the heavy tier's call if it is pending; the item's final result is
    /// written once, by the first call that answers.
    /// </summary>
    private async Task RunHeavyAsync(CancellationToken cancellationToken)
    {
        if (state.State is { Item: not null, Announced: false })
        {
            try
            {
                await AnnounceAsync();
            }
            catch (Exception e)
            {
                // The index or log grain's storage failed or its silo was lost: the item is stored, so announce again shortly.
                LogAnnounceFailed(logger, state.State.Item.Pipeline, state.State.Item.Id, e.Message);
                StartHeavy(HeavyRetry);
                return;
            }
        }

        if (state.State is not { Item: { State: PipelineItemState.Pending } item, Spec: { } spec, Image: { } image })
        {
            return; // the reminder's next tick removes it
        }

        WarnIfAtRisk();
        var started = time.GetUtcNow().UtcDateTime;
        var request = new InferenceRequest(
            spec.HeavyModel, [InferenceInput.FromImage(image)], Lane.Batch, started + TimeSpan.FromSeconds(spec.DeadlineS), Version: spec.HeavyVersion, Tenant: spec.Tenant);
        InferenceResponse response;
        try
        {
            response = await door.InferAsync(request, item.Id, cancellationToken);
        }
        catch (Exception e) when (e is ArgusException || SiloLoss.Is(e))
        {
            LogHeavyFailed(logger, item.Pipeline, item.Id, e.Message);
            // A model or version no longer served will not be back in a second: the reminder's period, not a retry storm.
            StartHeavy(e is UnknownModelException or UnknownVersionException ? jobs.Value.ReminderPeriod : HeavyRetry);
            return;
        }

        var answer = response.Items[0];
        if (answer.Error is { Kind: not ErrorKind.BadInput } passing)
        {
            LogHeavyFailed(logger, item.Pipeline, item.Id, passing.Message);
            StartHeavy(HeavyRetry);
            return;
        }

        // The image passed the fast model's checks; one the heavy model still cannot use fails the item with its reason.
        var final = answer.Error is { } unusable
            ? item with { State = PipelineItemState.Failed, Error = unusable }
            : item with { State = PipelineItemState.Final, Final = Result(spec.HeavyRule, response, answer, started) };
        state.State = new State { Item = final };
        await state.WriteStateAsync();
        LogFinal(logger, item.Pipeline, item.Id, final.State, final.Final?.Decision);
        instruments.Left(this.GetPrimaryKeyString());
        instruments.Finished(item.Pipeline, time.GetUtcNow().UtcDateTime - item.SubmittedAt, spec.DeadlineS);
        StartHeavy(TimeSpan.Zero); // announces the final; the reminder's next tick removes it
    }

    /// <summary>
    /// Counts the pending item on this silo, and sets a timer for when it becomes at risk. The timer interleaves: the
    /// heavy call it warns of is out meanwhile.
    /// </summary>
    private void WatchDeadline()
    {
        var (item, spec) = (state.State.Item!, state.State.Spec!);
        instruments.Waiting(this.GetPrimaryKeyString(), item.Pipeline, item.SubmittedAt);
        var due = FinalDeadline.AtRiskAt(item.SubmittedAt, spec.DeadlineS) - time.GetUtcNow().UtcDateTime;
        _atRisk ??= this.RegisterGrainTimer(
            _ =>
            {
                // A timer may fire a hair before the time it was set for: then it is set again for what is left.
                if (WarnIfAtRisk() is { } early)
                {
                    _atRisk!.Change(early, Timeout.InfiniteTimeSpan);
                }

                return Task.CompletedTask;
            },
            new GrainTimerCreationOptions(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true });
    }

    /// <summary>
    /// Warns, once, that the pending item has used more than half its deadline; answers how long until it has, when it
    /// is pending and has not yet.
    /// </summary>
    private TimeSpan? WarnIfAtRisk()
    {
        if (_warnedAtRisk || state.State is not { Item: { State: PipelineItemState.Pending } item, Spec: { } spec })
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (!FinalDeadline.IsAtRisk(item.SubmittedAt, spec.DeadlineS, now))
        {
            return FinalDeadline.AtRiskAt(item.SubmittedAt, spec.DeadlineS) - now + TimeSpan.FromMilliseconds(1);
        }

        _warnedAtRisk = true;
        LogAtRisk(logger, item.Pipeline, item.Id, (now - item.SubmittedAt).TotalSeconds, spec.DeadlineS);
        return null;
    }

    /// <summary>Records the stored item in its minute's index and, once it is no longer pending, in the finals log.</summary>
    private async Task AnnounceAsync()
    {
        var item = state.State.Item!;
        await GrainFactory.GetGrain<IPipelineItemsGrain>(PipelineMinutes.KeyOf(item.Pipeline, item.SubmittedAt)).RecordAsync(PipelineItemEntry.Of(item));
        if (item.State != PipelineItemState.Pending)
        {
            // A log that closed meanwhile refuses the append; the next minute's takes it.
            while (!await GrainFactory.GetGrain<IPipelineFinalsGrain>(PipelineMinutes.KeyOf(item.Pipeline, time.GetUtcNow().UtcDateTime)).AppendAsync(item))
            {
            }
        }

        state.State.Announced = true;
        await state.WriteStateAsync();
    }

    private TierResult Result(DecisionRule rule, InferenceResponse response, ItemResult answer, DateTime started)
    {
        var scores = answer.Classes?.ToArray() ?? [];
        return new TierResult(rule.Decide(scores), response.Model, response.Version, scores, started, time.GetUtcNow().UtcDateTime);
    }

    private (string Pipeline, string Item) Key()
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return (key[..slash], key[(slash + 1)..]);
    }

    /// <summary>What an item persists: the item, and while it waits for the heavy tier the spec and image that tier needs.</summary>
    [GenerateSerializer, Alias("Argus.Grains.Pipelines.PipelineItemGrain.State")]
    internal sealed class State
    {
        /// <summary>The item; null when none was submitted under this key.</summary>
        [Id(0)] public PipelineItem? Item { get; set; }

        /// <summary>The pipeline's spec at submit, while the item is pending.</summary>
        [Id(1)] public PipelineSpec? Spec { get; set; }

        /// <summary>The encoded image, while the item is pending; dropped once final.</summary>
        [Id(2)] public byte[]? Image { get; set; }

        /// <summary>Whether the index and, once final, the finals log hold the item as stored.</summary>
        [Id(3)] public bool Announced { get; set; }
    }
}
