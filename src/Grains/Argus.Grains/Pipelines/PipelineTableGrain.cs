using Argus.Grains.Jobs;
using Argus.Grains.Storage;
using Argus.Jobs;
using Argus.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Argus.Grains.Pipelines;

/// <summary>
/// A pipeline's finals table (<see cref="FinalsTable"/>). Every <see cref="JobOptions.WatchSeconds"/> it reads the minute
/// logs from its persisted next minute on, each once it is closed (<see cref="IPipelineFinalsGrain.Grace"/> after its
/// minute, read to its end), writes the minute's part whole, then moves its next minute past it: a silo lost in between
/// writes the same part again, whole, over the first. A store that fails is tried again at the next tick, from the same
/// minute. A reminder wakes the table after the cluster restarted.
/// </summary>
internal sealed partial class PipelineTableGrain(
    [PersistentState("pipeline-table")] IPersistentState<PipelineTableGrain.State> state,
    JobStores stores, IOptions<JobOptions> jobs, TimeProvider time, ILogger<PipelineTableGrain> logger)
    : Grain, IPipelineTableGrain, IRemindable
{
    private const string ReminderName = "table";

    /// <summary>Minutes one tick writes at most, so a table catching up holds up a PUT for a few writes only.</summary>
    private const int MinutesPerTick = 10;

    private IGrainTimer? _timer;

    private string Pipeline => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Output is not null)
        {
            StartWriting();
        }

        return Task.CompletedTask;
    }

    public async Task WriteAsync(PipelineSpec? spec)
    {
        if (spec?.Output is not { } output)
        {
            if (state.State.Output is not null)
            {
                _timer?.Dispose();
                _timer = null;
                await this.UnregisterReminderIfAnyAsync(ReminderName);
                await state.ClearStateAsync();
                LogStopped(logger, Pipeline);
            }

            DeactivateOnIdle(); // nothing written (most pipelines): no write, and a stray reminder removes itself at its next tick
            return;
        }

        // Before the state: a stored table always has its reminder.
        await this.RegisterOrUpdateReminder(ReminderName, jobs.Value.ReminderPeriod, jobs.Value.ReminderPeriod);
        if (state.State.Output != output || state.State.Format != spec.Format)
        {
            state.State = new State { Output = output, Format = spec.Format, Next = PipelineMinutes.MinuteOf(time.GetUtcNow().UtcDateTime) };
            await state.WriteStateAsync();
            LogWriting(logger, Pipeline, FinalsTable.Folder(output, Pipeline), spec.Format);
        }

        StartWriting();
    }

    public Task<DateTime?> GetNextAsync() => Task.FromResult(state.State.Output is null ? null : (DateTime?)state.State.Next);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Output is null)
        {
            await this.UnregisterReminderIfAnyAsync(ReminderName);
        }

        // Activation started the timer of a stored table; nothing else to do.
    }

    private void StartWriting() =>
        _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, jobs.Value.WatchPeriod) { KeepAlive = true });

    /// <summary>Writes the part of each closed minute from the next one on, moving past each once it is written.</summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        for (var written = 0; written < MinutesPerTick && state.State is { Output: { } output } table; written++)
        {
            var minute = table.Next;
            if (time.GetUtcNow().UtcDateTime <= minute.AddMinutes(1) + IPipelineFinalsGrain.Grace)
            {
                return; // the log still takes finals
            }

            try
            {
                if (await ReadClosedAsync(minute, cancellationToken) is not { } items)
                {
                    return;
                }

                if (items.Count > 0)
                {
                    await FinalsTable.WriteAsync(stores.Folder(FinalsTable.Folder(output, Pipeline)), minute, table.Format, items, cancellationToken);
                    LogWritten(logger, Pipeline, FinalsTable.Part(minute, table.Format), items.Count);
                }

                table.Next = minute.AddMinutes(1);
                await state.WriteStateAsync();
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogWriteFailed(logger, Pipeline, PipelineMinutes.Stamp(minute), e.Message);
                return;
            }
        }
    }

    /// <summary>Every item of minute <paramref name="minute"/>'s finals log, in order; null while the log is not closed.</summary>
    private async Task<IReadOnlyList<PipelineItem>?> ReadClosedAsync(DateTime minute, CancellationToken cancellationToken)
    {
        var log = GrainFactory.GetGrain<IPipelineFinalsGrain>(PipelineMinutes.KeyOf(Pipeline, minute));
        var items = new List<PipelineItem>();
        while (true)
        {
            var page = await log.ReadAsync(items.Count, FinalsReader.MaxItems, TimeSpan.Zero, cancellationToken);
            if (page.Items.Count == 0)
            {
                return page.Closed ? items : null;
            }

            items.AddRange(page.Items);
        }
    }

    /// <summary>What a table persists.</summary>
    [GenerateSerializer, Alias("Argus.Grains.Pipelines.PipelineTableGrain.State")]
    internal sealed class State
    {
        /// <summary>The output written to; null when none is.</summary>
        [Id(0)] public string? Output { get; set; }

        /// <summary>The format of the parts.</summary>
        [Id(1)] public JobOutputFormat Format { get; set; }

        /// <summary>The first minute whose part is not yet written (UTC).</summary>
        [Id(2)] public DateTime Next { get; set; }
    }
}
