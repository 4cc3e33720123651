using Argus.Grains.Jobs;
using Argus.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Argus.Grains.Pipelines;

/// <summary>
/// A pipeline's webhook: a timer reads the finals from the persisted cursor (waiting on the log it is at), posts each batch
/// until the receiver answers 2xx, waiting <see cref="WebhookBackoff"/> between failed posts, and moves the cursor past a
/// batch only once it was taken, so every item is delivered at least once and in order, across silo losses (the reminder
/// brings the grain back). The timer interleaves with calls, so a start, stop or status is never held up by a slow
/// receiver; a stop during a post makes the post's outcome change nothing.
/// </summary>
internal sealed partial class PipelineWebhookGrain(
    [PersistentState("pipeline-webhook")] IPersistentState<PipelineWebhookGrain.State> state,
    IWebhookPoster poster, PipelineInstruments instruments, TimeProvider time, IOptions<JobOptions> jobs, ILogger<PipelineWebhookGrain> logger)
    : Grain, IPipelineWebhookGrain, IRemindable
{
    private const string Reminder = "webhook";

    /// <summary>When a delivery that failed in the cluster (a read or a write of the cursor) is tried again.</summary>
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);

    /// <summary>One write at a time: the timer's writes interleave with a start's or stop's.</summary>
    private readonly SemaphoreSlim _storing = new(1, 1);

    private IGrainTimer? _timer;

    /// <summary>Bumped by every stop: a delivery in flight across one sees it and changes nothing.</summary>
    private int _generation;

    private string Pipeline => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Cursor is not null)
        {
            Schedule(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    public async Task StartAsync()
    {
        if (state.State.Cursor is null)
        {
            await StoreAsync(() =>
            {
                state.State = new State { Cursor = FinalsCursor.At(time.GetUtcNow().UtcDateTime) };
                return state.WriteStateAsync();
            });
        }

        await this.RegisterOrUpdateReminder(Reminder, jobs.Value.ReminderPeriod, jobs.Value.ReminderPeriod);
        if (_timer is null)
        {
            Schedule(TimeSpan.Zero);
        }
    }

    public async Task StopAsync()
    {
        _generation++;
        _timer?.Dispose();
        _timer = null;
        await this.UnregisterReminderIfAnyAsync(Reminder);
        await StoreAsync(state.ClearStateAsync);
    }

    public Task<WebhookStatus> GetStatusAsync()
    {
        var s = state.State;
        return Task.FromResult(new WebhookStatus(
            s.Cursor is not null, s.Cursor?.ToString(), s.Delivered, s.Attempts, s.Failures, s.FailingFor, s.LastError, s.LastSuccessAt, s.NextAttemptAt));
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Cursor is null)
        {
            return StopAsync();
        }

        if (_timer is null)
        {
            Schedule(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    private void Schedule(TimeSpan due)
    {
        if (_timer is null)
        {
            _timer = this.RegisterGrainTimer(DeliverAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = true });
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>One step: the next batch posted (or waited for), its outcome recorded, and the next step scheduled.</summary>
    private async Task DeliverAsync(CancellationToken cancellationToken)
    {
        var generation = _generation;
        TimeSpan next;
        try
        {
            next = await StepAsync(generation, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogStepFailed(logger, Pipeline, e.Message);
            next = Retry;
        }

        if (generation == _generation && state.State.Cursor is not null)
        {
            Schedule(next);
        }
    }

    private async Task<TimeSpan> StepAsync(int generation, CancellationToken cancellationToken)
    {
        var spec = await GrainFactory.GetGrain<IPipelineGrain>(Pipeline).GetAsync();
        if (generation != _generation || state.State.Cursor is not { } cursor)
        {
            return TimeSpan.Zero;
        }

        if (spec?.Webhook is not { } webhook)
        {
            // The pipeline's stop was lost (its silo died after it wrote the spec): the webhook stops itself.
            await StopAsync();
            return TimeSpan.Zero;
        }

        var batch = await FinalsReader.ReadAsync(GrainFactory, Pipeline, cursor, FinalsReader.MaxItems, FinalsReader.Wait, time, cancellationToken);
        if (generation != _generation)
        {
            return TimeSpan.Zero;
        }

        if (batch.Items.Count == 0)
        {
            if (batch.From != cursor)
            {
                await StoreAsync(() =>
                {
                    state.State.Cursor = batch.From; // past closed logs
                    return state.WriteStateAsync();
                });
            }

            return TimeSpan.Zero;
        }

        var error = await poster.PostAsync(new Uri(webhook), batch.From.ToString(), Pipeline, batch.Items, cancellationToken);
        if (generation != _generation)
        {
            return TimeSpan.Zero;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var s = state.State;
        s.Attempts++;
        TimeSpan wait;
        if (error is null)
        {
            s.Cursor = batch.Next;
            s.Delivered += batch.Items.Count;
            s.FailingFor = 0;
            s.LastSuccessAt = now;
            s.NextAttemptAt = null;
            wait = TimeSpan.Zero;
            instruments.Delivered(Pipeline, batch.Items.Count);
        }
        else
        {
            s.Failures++;
            s.FailingFor++;
            s.LastError = error;
            wait = WebhookBackoff.After(s.FailingFor);
            s.NextAttemptAt = now + wait;
            instruments.Failed(Pipeline);
            LogPostFailed(logger, Pipeline, batch.From.ToString(), s.FailingFor, wait.TotalSeconds, error);
        }

        await StoreAsync(state.WriteStateAsync);
        return wait;
    }

    private async Task StoreAsync(Func<Task> write)
    {
        await _storing.WaitAsync();
        try
        {
            await write();
        }
        finally
        {
            _storing.Release();
        }
    }

    /// <summary>What a webhook persists: its cursor and counts.</summary>
    [GenerateSerializer, Alias("Argus.Grains.Pipelines.PipelineWebhookGrain.State")]
    internal sealed class State
    {
        /// <summary>The place of the next item to deliver; null when the webhook is stopped.</summary>
        [Id(0)] public FinalsCursor? Cursor { get; set; }

        [Id(1)] public long Delivered { get; set; }

        [Id(2)] public long Attempts { get; set; }

        [Id(3)] public long Failures { get; set; }

        [Id(4)] public int FailingFor { get; set; }

        [Id(5)] public string? LastError { get; set; }

        [Id(6)] public DateTime? LastSuccessAt { get; set; }

        [Id(7)] public DateTime? NextAttemptAt { get; set; }
    }
}
