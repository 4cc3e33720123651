using Argus.Errors;
using Argus.Grains.Jobs;
using Argus.Grains.Storage;
using Argus.Inference.Storage;
using Argus.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Argus.Grains.Pipelines;

/// <summary>
/// A pipeline's watch. Lists its folder or object store prefix every <see cref="JobOptions.WatchSeconds"/> as a watching
/// job does (files changed within <see cref="JobOptions.WatchSettleSeconds"/> wait for the next listing) and submits each
/// image it has not submitted yet to its item grain (<see cref="PipelineWatch.ItemId"/>), which takes an id once: what
/// this grain remembers is only a shortcut, so a restart lists again and submits nothing twice. An image the fast tier
/// cannot read becomes a failed item with the reason; one refused for a passing reason (a busy device) is submitted at a
/// later listing. The spec it submits with is persisted here, and a reminder wakes the watch after the cluster restarted.
/// </summary>
internal sealed partial class PipelineWatchGrain(
    [PersistentState("pipeline-watch")] IPersistentState<PipelineWatchGrain.State> state,
    IOptions<JobOptions> jobs, IOptions<StorageOptions> storage, JobStores stores, TimeProvider time, ILogger<PipelineWatchGrain> logger)
    : Grain, IPipelineWatchGrain, IRemindable
{
    private const string ReminderName = "watch";

    /// <summary>The ids this activation found submitted, so a listing asks their grains no more.</summary>
    private readonly HashSet<string> _submitted = new(StringComparer.Ordinal);

    private IGrainTimer? _timer;

    private string Pipeline => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Spec?.Watch is not null)
        {
            StartListing();
        }

        return Task.CompletedTask;
    }

    public async Task WatchAsync(PipelineSpec? spec)
    {
        if (spec?.Watch is null && state.State.Spec is null)
        {
            // Nothing watched (most pipelines): no write. A stray reminder removes itself at its next tick.
            DeactivateOnIdle();
            return;
        }

        if (spec?.Watch is null)
        {
            _timer?.Dispose();
            _timer = null;
            await this.UnregisterReminderIfAnyAsync(ReminderName);
            await state.ClearStateAsync();
            LogStopped(logger, Pipeline);
            DeactivateOnIdle();
            return;
        }

        // Before the state: a stored watch always has its reminder.
        await this.RegisterOrUpdateReminder(ReminderName, jobs.Value.ReminderPeriod, jobs.Value.ReminderPeriod);
        if (state.State.Spec?.Watch != spec.Watch)
        {
            _submitted.Clear();
            LogWatching(logger, Pipeline, spec.Watch);
        }

        state.State.Spec = spec;
        await state.WriteStateAsync();
        StartListing();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Spec?.Watch is null)
        {
            await this.UnregisterReminderIfAnyAsync(ReminderName);
        }

        // Activation started the timer of a stored watch; nothing else to do.
    }

    private void StartListing() =>
        _timer ??= this.RegisterGrainTimer(ListAsync, new GrainTimerCreationOptions(TimeSpan.Zero, jobs.Value.WatchPeriod) { KeepAlive = true });

    /// <summary>Lists the watched location and submits each image not submitted yet, while the watch stays on it.</summary>
    private async Task ListAsync(CancellationToken cancellationToken)
    {
        if (state.State.Spec is not { Watch: { } folder } spec)
        {
            return;
        }

        var settled = time.GetUtcNow().UtcDateTime - jobs.Value.WatchSettle;
        IReadOnlyList<(string Location, string Relative)> images;
        try
        {
            images = await Task.Run(() => PipelineWatch.ListImagesAsync(stores, storage.Value, folder, settled, cancellationToken), cancellationToken);
        }
        catch (Exception e) when (e is BadInputException or StoreException)
        {
            LogListingFailed(logger, Pipeline, folder, e.Message); // the folder or the store may be back at the next listing
            return;
        }

        foreach (var (location, relative) in images)
        {
            // WatchAsync interleaves: a watch stopped or moved meanwhile submits nothing more from this listing.
            if (cancellationToken.IsCancellationRequested || state.State.Spec?.Watch != folder)
            {
                return;
            }

            var id = PipelineWatch.ItemId(relative);
            if (!_submitted.Contains(id) && await SubmitAsync(spec, id, location))
            {
                _submitted.Add(id);
            }
        }
    }

    /// <summary>Submits the image at <paramref name="path"/> (a file or an object) as item <paramref name="id"/>; true once the item is stored.</summary>
    private async Task<bool> SubmitAsync(PipelineSpec spec, string id, string path)
    {
        var item = GrainFactory.GetGrain<IPipelineItemGrain>(PipelineItem.KeyOf(Pipeline, id));
        if (await item.GetAsync() is not null)
        {
            return true;
        }

        byte[] image;
        try
        {
            image = await Task.Run(() => stores.ReadItemAsync(path, CancellationToken.None));
        }
        catch (Exception e) when (e is BadInputException or StoreException)
        {
            // Gone since the listing, swapped for a link out of the roots, or the store failed: the next listing tries again.
            LogSkipped(logger, Pipeline, path, e.Message);
            return false;
        }

        var submission = await item.SubmitAsync(spec, image.AsImmutable(), path);
        if (submission.Refused is { } refused)
        {
            LogSkipped(logger, Pipeline, path, refused.Message);
            return false;
        }

        LogSubmitted(logger, Pipeline, path, id);
        return true;
    }

    /// <summary>What a watch persists.</summary>
    [GenerateSerializer, Alias("Argus.Grains.Pipelines.PipelineWatchGrain.State")]
    internal sealed class State
    {
        /// <summary>The pipeline's spec as last put, whose <see cref="PipelineSpec.Watch"/> is watched; null when none is.</summary>
        [Id(0)] public PipelineSpec? Spec { get; set; }
    }
}
