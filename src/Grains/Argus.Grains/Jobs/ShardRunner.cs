using Argus.Devices;
using Argus.Errors;
using Argus.Grains.Devices;
using Argus.Grains.Storage;
using Argus.Inference.Storage;
using Argus.Inference.Video;
using Argus.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Argus.Grains.Jobs;

/// <summary>
/// Runs one leased shard on one device: reads its items, sends them to the device in batches of the job's batch size
/// in the batch lane, retries transient failures as <see cref="ShardRetry"/> says, and writes the shard's failures and
/// then its results, each whole or not at all. A shard found written already is not run again. Every item's file is
/// resolved inside the input roots again as it is read, and every file written inside the output roots.
/// </summary>
internal sealed partial class ShardRunner(InferenceDoor door, JobStores stores, IOptions<StorageOptions> storage, TimeProvider time, ILogger<ShardRunner> logger)
{
    /// <summary>
    /// Runs the shard under its lease, renewing it, and reports it to <paramref name="job"/>. When the lease is lost
    /// (the job paused, or the shard went elsewhere) the shard is dropped; when <paramref name="stop"/> fires (the silo
    /// is stopping) or the shard fails, it is handed back.
    /// </summary>
    public async Task RunLeaseAsync(IBatchJobGrain job, ShardLease lease, DeviceKey device, CancellationToken stop)
    {
        using var shard = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var renewing = RenewAsync(job, lease, shard);
        try
        {
            var report = await RunShardAsync(lease, device, shard.Token);
            await job.CompleteShardAsync(report);
        }
        catch (OperationCanceledException) when (shard.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            LogLeaseLost(logger, lease.Job, lease.Shard);
        }
        catch (Exception e)
        {
            if (!stop.IsCancellationRequested)
            {
                LogShardFailed(logger, lease.Job, lease.Shard, e.Message);
            }

            await ReleaseAsync(job, lease);
            if (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, CancellationToken.None); // don't spin on a failing shard
            }
        }
        finally
        {
            await shard.CancelAsync();
            await renewing;
        }
    }

    /// <summary>Renews the lease every third of its duration until the shard ends; cancels the shard when the job says stop.</summary>
    private async Task RenewAsync(IBatchJobGrain job, ShardLease lease, CancellationTokenSource shard)
    {
        try
        {
            while (true)
            {
                await Task.Delay(lease.Duration / 3, time, shard.Token);
                bool keep;
                try
                {
                    keep = await job.RenewLeaseAsync(lease.Shard, lease.LeaseId);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    continue; // the job grain may be moving with a lost silo; the lease outlasts a missed renewal
                }

                if (!keep)
                {
                    await shard.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The shard ended.
        }
    }

    private async Task ReleaseAsync(IBatchJobGrain job, ShardLease lease)
    {
        try
        {
            await job.ReleaseShardAsync(lease.Shard, lease.LeaseId);
        }
        catch (Exception e)
        {
            LogReleaseFailed(logger, lease.Job, lease.Shard, e.Message); // the lease expires instead
        }
    }

    /// <summary>Runs the shard's items and writes its files; or counts them, when the shard was written before.</summary>
    internal async Task<ShardReport> RunShardAsync(ShardLease lease, DeviceKey device, CancellationToken cancellationToken)
    {
        var folder = stores.Folder(lease.Folder);
        if (await JobFiles.WrittenFormatAsync(folder, lease.Shard, cancellationToken) is { } written)
        {
            var count = await JobFiles.CountResultsAsync(folder, lease.Shard, written, cancellationToken);
            var failed = await JobFiles.ReadErrorsAsync(folder, lease.Shard, cancellationToken);
            return new ShardReport(lease.Shard, lease.LeaseId, count, ByReason(failed), Skipped: true);
        }

        var items = await JobFiles.ReadPlanAsync(folder, lease.Shard, cancellationToken);
        var spec = lease.Spec;
        var results = new JobResult?[items.Count];
        var failures = new JobFailure?[items.Count];
        var retry = new ShardRetry(spec.MaxAttempts);
        // The last attempt retries nothing, so the loop ends.
        for (var pending = Enumerable.Range(0, items.Count).ToList(); pending.Count > 0;)
        {
            var again = new List<int>();
            foreach (var batch in pending.Chunk(spec.BatchSize))
            {
                await RunBatchAsync(lease, device, items, batch, retry, again, results, failures, cancellationToken);
            }

            pending = again;
            var wait = retry.NextAttempt();
            if (pending.Count > 0)
            {
                await Task.Delay(wait, time, cancellationToken);
            }
        }

        var errors = failures.OfType<JobFailure>().ToList();
        var lines = results.OfType<JobResult>().ToList();
        // Written through even when the shard is cancelled now: a shard whose items all ran is not run again.
        if (errors.Count > 0)
        {
            await JobFiles.WriteErrorsAsync(folder, lease.Shard, errors, CancellationToken.None);
        }

        await JobFiles.WriteResultsAsync(folder, lease.Shard, spec.Format, lines, CancellationToken.None);
        return new ShardReport(lease.Shard, lease.LeaseId, lines.Count, ByReason(errors), Skipped: false);
    }

    /// <summary>
    /// Runs one batch of the shard's items: results and failures go into <paramref name="results"/> and
    /// <paramref name="failures"/>; items that <paramref name="retry"/> tries again go into <paramref name="again"/>.
    /// </summary>
    private async Task RunBatchAsync(
        ShardLease lease, DeviceKey device, IReadOnlyList<JobItem> items, int[] batch, ShardRetry retry, List<int> again,
        JobResult?[] results, JobFailure?[] failures, CancellationToken cancellationToken)
    {
        var inputs = await LoadAsync(items, batch, cancellationToken);
        var sent = new List<int>();
        foreach (var i in batch)
        {
            if (inputs[i] is { } input && input.Error is null)
            {
                sent.Add(i);
            }
            else
            {
                Fault(i, ShardRetry.Unreadable(inputs[i]?.Error ?? "The item could not be read."));
            }
        }

        if (sent.Count == 0)
        {
            return;
        }

        InferenceResponse response;
        var started = time.GetUtcNow();
        try
        {
            var request = new InferenceRequest(
                lease.Spec.Model, [.. sent.Select(i => InferenceInput.FromImage(inputs[i]!.Bytes!))], Lane.Batch,
                time.GetUtcNow().UtcDateTime + ClusterIdentity.MaxRequestTimeout, Version: lease.Spec.Version, Tenant: lease.Spec.Tenant);
            response = await door.InferOnAsync(device, request, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The model is unknown, the device's runtime is still loading, or the call failed: every item of the batch alike.
            sent.ForEach(i => Fault(i, ShardRetry.Of(e)));
            return;
        }

        var latencyMs = (time.GetUtcNow() - started).TotalMilliseconds;
        for (var k = 0; k < sent.Count; k++)
        {
            var i = sent[k];
            var result = response.Items[k];
            switch (result.Error)
            {
                case null:
                    results[i] = new JobResult(
                        items[i].Id, response.Model, response.Version, lease.Shard, started.UtcDateTime, latencyMs, result.QueueMs,
                        result.ComputeMs, result.BatchSize, new JobResultBody(result.Embedding, result.Classes, result.Detections));
                    break;
                case { Kind: ErrorKind.Cancelled } when cancellationToken.IsCancellationRequested:
                    throw new OperationCanceledException(cancellationToken);
                case { } e:
                    Fault(i, ShardRetry.Of(e));
                    break;
            }
        }

        void Fault(int i, ItemFault fault)
        {
            if (retry.Retries(fault))
            {
                again.Add(i);
            }
            else
            {
                failures[i] = new JobFailure(items[i].Id, lease.Shard, fault.Reason, fault.Message, retry.Attempt);
            }
        }
    }

    /// <summary>
    /// Reads the batch's items from their stores, <see cref="JobStores.ReadConcurrency"/> at once, each resolved inside
    /// the input roots first: image bytes as they are, a local video's sampled frames as JPEG (one pass per video).
    /// </summary>
    private async Task<Dictionary<int, LoadedItem>> LoadAsync(IReadOnlyList<JobItem> items, int[] batch, CancellationToken cancellationToken)
    {
        var loaded = new Dictionary<int, LoadedItem>();
        foreach (var video in batch.Where(i => items[i].Frame is not null).GroupBy(i => items[i].Path))
        {
            var frames = video.Where(i => items[i].Frame >= 0).Select(i => items[i].Frame!.Value).ToArray();
            IReadOnlyDictionary<long, byte[]?> read;
            try
            {
                read = await Task.Run(() => VideoSampler.Read(JobStorage.Input(video.Key, ConfinedKind.File, storage.Value), frames, cancellationToken), cancellationToken);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or BadInputException)
            {
                foreach (var i in video)
                {
                    loaded[i] = new LoadedItem(null, e.Message);
                }

                continue;
            }

            foreach (var i in video)
            {
                loaded[i] = items[i].Frame is { } f && f >= 0 && read.GetValueOrDefault(f) is { } jpeg
                    ? new LoadedItem(jpeg, null)
                    : new LoadedItem(null, $"'{items[i].Path}' holds no frame {items[i].Frame} (or could not be opened as a video).");
            }
        }

        var reading = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = stores.ReadConcurrency };
        await Parallel.ForEachAsync(batch.Where(i => items[i].Frame is null), reading, async (i, token) =>
        {
            LoadedItem item;
            try
            {
                item = new LoadedItem(await stores.ReadItemAsync(items[i].Path, token), null);
            }
            catch (BadInputException e)
            {
                item = new LoadedItem(null, e.Message);
            }
            catch (StoreException e)
            {
                item = new LoadedItem(null, e.Message); // the store's retries are spent
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                item = new LoadedItem(null, $"'{items[i].Path}' could not be read: {e.Message}");
            }

            lock (loaded)
            {
                loaded[i] = item;
            }
        });
        return loaded;
    }

    private static Dictionary<string, int> ByReason(IEnumerable<JobFailure> failures) =>
        failures.GroupBy(f => f.Reason).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>An item's bytes, or why they could not be read.</summary>
    private sealed record LoadedItem(byte[]? Bytes, string? Error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job}: shard {Shard} dropped, its lease is gone (paused, or handed to another worker)")]
    private static partial void LogLeaseLost(ILogger logger, string job, int shard);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: shard {Shard} failed and is handed back: {Error}")]
    private static partial void LogShardFailed(ILogger logger, string job, int shard, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {Job}: handing back shard {Shard} failed: {Error}")]
    private static partial void LogReleaseFailed(ILogger logger, string job, int shard, string error);
}
