using Argus.Grains.Jobs;
using Argus.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Argus.Grains.Pipelines;

/// <summary>
/// A pipeline's retention (<see cref="IPipelineRetentionGrain"/>). Every <see cref="JobOptions.WatchSeconds"/> it sweeps the
/// minutes from its persisted next minute on that are due: older than the retention, their finals log closed, written by
/// the finals table and delivered by the webhook. A minute is swept whole (its items expired, then its index cleared, then
/// its finals log) before the next minute is persisted, so a silo lost in between sweeps the same minute again, and an
/// item never outlives its index entry unseen. A tick works for at most <see cref="TickBudget"/>, so a pipeline catching up
/// holds up a PUT only briefly; a reminder wakes the sweep after the cluster restarted.
/// </summary>
internal sealed partial class PipelineRetentionGrain(
    [PersistentState("pipeline-retention")] IPersistentState<PipelineRetentionGrain.State> state,
    PipelineInstruments instruments, IOptions<JobOptions> jobs, TimeProvider time, ILogger<PipelineRetentionGrain> logger)
    : Grain, IPipelineRetentionGrain, IRemindable
{
    private const string ReminderName = "retention";

    /// <summary>Items of a minute's index expired at once.</summary>
    private const int PageSize = 64;

    /// <summary>How long one tick sweeps before it leaves the rest to the next.</summary>
    private static readonly TimeSpan TickBudget = TimeSpan.FromSeconds(2);

    private IGrainTimer? _timer;

    private string Pipeline => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Days is not null)
        {
            StartSweeping();
        }

        return Task.CompletedTask;
    }

    public async Task KeepAsync(PipelineSpec? spec, DateTime since)
    {
        if (spec is null && state.State is { Days: not null, RemovedAt: null })
        {
            // The pipeline was removed: the items it had still leave as they come due, then the retention ends.
            state.State.RemovedAt = time.GetUtcNow().UtcDateTime;
            await state.WriteStateAsync();
            LogRemoved(logger, Pipeline);
            return;
        }

        if (spec?.RetentionDays is not { } days)
        {
            if (state.State.Days is null)
            {
                DeactivateOnIdle(); // most pipelines keep everything: no write, and a stray reminder removes itself at its next tick
            }
            else if (spec is not null)
            {
                await StopAsync();
            }

            return; // a removed pipeline's sweep goes on
        }

        // Before the state: a stored retention always has its reminder.
        await this.RegisterOrUpdateReminder(ReminderName, jobs.Value.ReminderPeriod, jobs.Value.ReminderPeriod);
        if (state.State.Days != days || state.State.RemovedAt is not null)
        {
            // Where the sweep has got to stays: what it removed is gone, whatever the new retention.
            state.State = new State { Days = days, Next = state.State.Days is null ? PipelineMinutes.MinuteOf(since) : state.State.Next };
            await state.WriteStateAsync();
            LogKeeping(logger, Pipeline, days);
        }

        StartSweeping();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Days is null)
        {
            await this.UnregisterReminderIfAnyAsync(ReminderName);
        }

        // Activation started the timer of a stored retention; nothing else to do.
    }

    private async Task StopAsync()
    {
        _timer?.Dispose();
        _timer = null;
        await this.UnregisterReminderIfAnyAsync(ReminderName);
        await state.ClearStateAsync();
        LogStopped(logger, Pipeline);
        DeactivateOnIdle();
    }

    private void StartSweeping() =>
        _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, jobs.Value.WatchPeriod) { KeepAlive = true });

    /// <summary>Sweeps each due minute from the next one on, moving past each once it is swept.</summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        try
        {
            if (state.State.Days is not { } days)
            {
                return;
            }

            var end = await EndAsync(days);
            while (state.State.Next < end && time.GetElapsedTime(started) < TickBudget)
            {
                if (state.State.RemovedAt is { } removed && state.State.Next > removed)
                {
                    await StopAsync(); // a removed pipeline's last item has left
                    return;
                }

                var minute = state.State.Next;
                if (await SweepAsync(minute, started) is not { } expired)
                {
                    return;
                }

                state.State.Next = minute.AddMinutes(1);
                await state.WriteStateAsync();
                if (expired > 0)
                {
                    instruments.Expired(Pipeline, expired);
                    LogSwept(logger, Pipeline, PipelineMinutes.Stamp(minute), expired);
                }
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogSweepFailed(logger, Pipeline, PipelineMinutes.Stamp(state.State.Next), e.Message);
        }
    }

    /// <summary>The first minute not yet due, as <see cref="DueBefore"/> reads the pipeline's table and webhook now.</summary>
    private async Task<DateTime> EndAsync(double days)
    {
        var table = await GrainFactory.GetGrain<IPipelineTableGrain>(Pipeline).GetNextAsync();
        var webhook = await GrainFactory.GetGrain<IPipelineWebhookGrain>(Pipeline).GetStatusAsync() is { Active: true, Cursor: { } text }
            && FinalsCursor.TryParse(text, out var cursor) ? cursor.Minute : (DateTime?)null;
        return DueBefore(time.GetUtcNow().UtcDateTime, days, table, webhook);
    }

    /// <summary>
    /// The first minute not due at <paramref name="now"/> for a retention of <paramref name="days"/>: the retention's cut,
    /// the first minute whose finals log may still be open, the finals table's next part and the webhook's next delivery
    /// (each null when the pipeline has none), whichever comes first.
    /// </summary>
    internal static DateTime DueBefore(DateTime now, double days, DateTime? table, DateTime? webhook)
    {
        var end = PipelineMinutes.MinuteOf(now - TimeSpan.FromDays(days));
        var open = PipelineMinutes.MinuteOf(now - TimeSpan.FromMinutes(1) - IPipelineFinalsGrain.Grace);
        foreach (var bound in (ReadOnlySpan<DateTime?>)[open, table, webhook])
        {
            if (bound < end)
            {
                end = bound.Value;
            }
        }

        return end;
    }

    /// <summary>
    /// Expires the items submitted in <paramref name="minute"/>, then clears its index and its finals log: how many items
    /// expired, or null when the tick's time ran out first or the log is still open (the minute is swept again).
    /// </summary>
    private async Task<int?> SweepAsync(DateTime minute, long started)
    {
        var key = PipelineMinutes.KeyOf(Pipeline, minute);
        var index = GrainFactory.GetGrain<IPipelineItemsGrain>(key);
        var expired = 0;
        string? after = null;
        while (true)
        {
            var page = await index.ListAsync(null, after, PageSize);
            if (page.Count == 0)
            {
                break;
            }

            var items = new Task<bool>[page.Count];
            for (var i = 0; i < page.Count; i++)
            {
                items[i] = GrainFactory.GetGrain<IPipelineItemGrain>(PipelineItem.KeyOf(Pipeline, page[i].Id)).ExpireAsync();
            }

            foreach (var removed in await Task.WhenAll(items))
            {
                expired += removed ? 1 : 0;
            }

            if (time.GetElapsedTime(started) >= TickBudget)
            {
                return null; // the next tick lists the minute again; its expired items answer at once
            }

            after = page[^1].Id;
        }

        await index.ClearAsync();
        return await GrainFactory.GetGrain<IPipelineFinalsGrain>(key).ClearAsync() ? expired : null;
    }

    /// <summary>What a retention persists.</summary>
    [GenerateSerializer, Alias("Argus.Grains.Pipelines.PipelineRetentionGrain.State")]
    internal sealed class State
    {
        /// <summary>The days an item is kept; null when the pipeline keeps everything.</summary>
        [Id(0)] public double? Days { get; set; }

        /// <summary>The first minute not yet swept (UTC).</summary>
        [Id(1)] public DateTime Next { get; set; }

        /// <summary>When the pipeline was removed (UTC): the sweep ends past that minute; null while it exists.</summary>
        [Id(2)] public DateTime? RemovedAt { get; set; }
    }
}
