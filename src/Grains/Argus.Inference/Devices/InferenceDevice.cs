using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using Argus.Inference.Batching;
using Argus.Inference.Imaging;
using Argus.Inference.Sessions;
using Argus.Inference.Telemetry;

namespace Argus.Inference.Devices;

/// <summary>One device of this silo: its warm model versions and the batcher in front of them.</summary>
public sealed class InferenceDevice : IDisposable
{
    private readonly Lock _change = new();
    private readonly ImageLimits _limits;
    private readonly InferenceInstruments _instruments;
    private ModelSet _models;
    private int _inFlight;
    private int _batchInFlight;

    internal InferenceDevice(
        ExecutionTarget target, MicroBatcher batcher, IEnumerable<LoadedModel> models, ImageLimits limits, InferenceInstruments instruments)
    {
        Target = target;
        Batcher = batcher;
        _models = ModelSet.Of([.. models]);
        _limits = limits;
        _instruments = instruments;
    }

    /// <summary>The device's name on its silo, e.g. <c>cpu0</c>.</summary>
    public string Name => Target.Device;

    /// <summary>What it runs on.</summary>
    public ExecutionTarget Target { get; }

    /// <summary>The device's scheduler.</summary>
    public MicroBatcher Batcher { get; }

    /// <summary>
    /// Every model version loaded now, in load order: a snapshot, safe to enumerate while versions are loaded and unloaded.
    /// </summary>
    public IReadOnlyList<LoadedModel> Models => Volatile.Read(ref _models).All;

    /// <summary>
    /// The version <paramref name="version"/> of model <paramref name="name"/> (case-insensitive), or null. Without a
    /// version, the default one: the first of <see cref="Versions"/>, i.e. the first loaded of that name that is still
    /// loaded (configuration order at start, then load order).
    /// </summary>
    public LoadedModel? FindModel(string name, string? version = null)
    {
        var versions = Versions(name);
        if (version is null)
        {
            return versions.IsEmpty ? null : versions[0];
        }

        foreach (var model in versions)
        {
            if (string.Equals(model.Version, version, StringComparison.Ordinal))
            {
                return model;
            }
        }

        return null;
    }

    /// <summary>The loaded versions of model <paramref name="name"/> (case-insensitive), in load order; empty when none.</summary>
    public ImmutableArray<LoadedModel> Versions(string name) =>
        Volatile.Read(ref _models).ByName.GetValueOrDefault(name, ImmutableArray<LoadedModel>.Empty);

    /// <summary>Makes <paramref name="model"/> findable, after every version loaded before it.</summary>
    internal void Add(LoadedModel model)
    {
        lock (_change)
        {
            Volatile.Write(ref _models, ModelSet.Of(_models.All.Add(model)));
        }
    }

    /// <summary>Takes the version out of <see cref="Models"/>, so new calls no longer find it; null when it is not loaded.</summary>
    internal LoadedModel? Remove(string name, string version)
    {
        lock (_change)
        {
            if (FindModel(name, version) is not { } model)
            {
                return null;
            }

            Volatile.Write(ref _models, ModelSet.Of(_models.All.Remove(model)));
            return model;
        }
    }

    /// <summary>
    /// Whether images are decoded on this device when their batch forms: on a CPU the same cores decode and run the
    /// model, and decoding beside a running batch slows the batch more than it gains; a GPU runs while callers decode.
    /// </summary>
    public bool PreprocessesOnDevice => Target.Kind == "cpu";

    /// <summary>
    /// Items at this device now, every lane, from its arrival in <see cref="InferAsync"/> to its outcome: being checked or
    /// prepared, queued or running. What a stopping silo waits for.
    /// </summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// The realtime and interactive items of <see cref="InFlight"/>: what the autoscaler scales on. Batch-lane items (batch
    /// jobs) fill the capacity the others leave and never grow the cluster by themselves.
    /// </summary>
    public int ServingInFlight => Volatile.Read(ref _inFlight) - Volatile.Read(ref _batchInFlight);

    /// <summary>Counts an item of <paramref name="lane"/> in <see cref="InFlight"/> until the returned scope is disposed.</summary>
    private ItemScope TrackItem(BatchLane lane)
    {
        var batch = lane == BatchLane.Batch;
        if (batch)
        {
            Interlocked.Increment(ref _batchInFlight);
        }

        Interlocked.Increment(ref _inFlight);
        return new ItemScope(this, batch);
    }

    /// <summary>
    /// Runs one item, an encoded image or a tensor in the model's input layout, through <paramref name="model"/> on this
    /// device: checks it, prepares it (now, or when its batch forms on a device that <see cref="PreprocessesOnDevice"/>),
    /// queues it in <paramref name="lane"/> for <paramref name="tenant"/> (its fair share of the lane) until
    /// <paramref name="deadline"/>, and applies the model's task to its output
    /// row unless <paramref name="raw"/>. Counted in <see cref="InFlight"/> and in the inference metrics. Never throws for
    /// the item: a failure is the outcome's.
    /// </summary>
    public async Task<ItemOutcome> InferAsync(
        LoadedModel model, byte[]? image, float[]? tensor, BatchLane lane, BatchTenant tenant, DateTime deadline, bool raw,
        CancellationToken cancellationToken)
    {
        using var counted = TrackItem(lane);
        var arrived = Stopwatch.GetTimestamp();
        ItemOutcome outcome;
        if (model.TryEnter())
        {
            try
            {
                outcome = await RunAsync(model, image, tensor, lane, tenant, deadline, raw, cancellationToken);
            }
            finally
            {
                model.Exit();
            }
        }
        else
        {
            // Found just before its unload took it away: failed as the batcher fails an item its unload leaves waiting.
            outcome = Rejected(MicroBatcher.Rejected(RejectReason.ModelUnloaded, TimeSpan.Zero));
        }

        var elapsed = Stopwatch.GetElapsedTime(arrived);
        if (outcome.Ran is { } ran)
        {
            _instruments.ItemSucceeded(model.Queue.Labels, lane, elapsed, ran);
        }
        else
        {
            _instruments.ItemFailed(model.Queue.Labels, lane, outcome.Failure!.Reason, elapsed);
        }

        return outcome;
    }

    private async Task<ItemOutcome> RunAsync(
        LoadedModel model, byte[]? image, float[]? tensor, BatchLane lane, BatchTenant tenant, DateTime deadline, bool raw,
        CancellationToken cancellationToken)
    {
        try
        {
            if (image is not null && !PreprocessesOnDevice)
            {
                // Here images are decoded before they queue: decode none that the queue would refuse.
                using var admission = StageClock.Start(ServingStage.Admission);
                Batcher.ThrowIfWouldReject(model.Queue, lane, tenant, deadline);
            }

            BatchInput prepared;
            using (StageClock.Start(image is null ? ServingStage.Tensor : ServingStage.Decode))
            {
                prepared = (image, tensor) switch
                {
                    ({ } i, null) => model.PrepareImage(i, _limits, PreprocessesOnDevice),
                    (null, { } t) => model.PrepareTensor(t),
                    _ => throw new InvalidInputException("Each input needs either an image or a tensor, not both or neither."),
                };
            }

            Task<BatchItemResult> submitted;
            using (StageClock.Start(ServingStage.Admission))
            {
                submitted = Batcher.SubmitAsync(model.Queue, prepared, lane, tenant, deadline, cancellationToken);
            }

            var ran = await submitted;
            using var postprocess = StageClock.Start(ServingStage.Postprocess);
            return new ItemOutcome(ran, raw ? null : model.Postprocess(ran.Output, prepared.Fit), null);
        }
        catch (InvalidInputException e)
        {
            return Failed(ItemFailureKind.BadInput, "bad_input", e.Message);
        }
        catch (InferenceRejectedException e)
        {
            return Rejected(e);
        }
        catch (OperationCanceledException)
        {
            return Failed(ItemFailureKind.Cancelled, "cancelled", "The caller cancelled the request.");
        }
        catch (ItemFailedException e)
        {
            return Failed(ItemFailureKind.ModelError, "model_error", e.Message);
        }
        catch (Exception e)
        {
            // A batch's own failures arrive as ItemFailedException: anything else came from checking or preparing the
            // caller's input, so it is the caller's error, and it fails that item alone, never its request-mates.
            return Failed(ItemFailureKind.BadInput, "bad_input", $"The input could not be prepared: {e.Message}");
        }
    }

    private static ItemOutcome Failed(ItemFailureKind kind, string reason, string message, TimeSpan? retryAfter = null) =>
        new(null, null, new ItemFailure(kind, reason, message, retryAfter));

    // The reason (queue_full, deadline_unreachable, deadline_expired, shutting_down, model_unloaded) says which control
    // refused it.
    private static ItemOutcome Rejected(InferenceRejectedException e) => Failed(
        e.Reason == RejectReason.ModelUnloaded ? ItemFailureKind.Unloaded : ItemFailureKind.Rejected,
        JsonNamingPolicy.SnakeCaseLower.ConvertName(e.Reason.ToString()), e.Message, e.RetryAfter);

    internal void ItemDone(bool batch)
    {
        Interlocked.Decrement(ref _inFlight);
        if (batch)
        {
            Interlocked.Decrement(ref _batchInFlight);
        }
    }

    /// <summary>Stops the batcher (queued items are rejected), then frees the sessions.</summary>
    public void Dispose()
    {
        Batcher.Dispose();
        foreach (var model in Models)
        {
            model.Dispose();
        }
    }

    /// <summary>
    /// An immutable set of loaded versions, swapped whole when one is loaded or unloaded, so a lookup takes no lock and an
    /// enumeration sees one consistent set.
    /// </summary>
    private sealed record ModelSet(ImmutableArray<LoadedModel> All, FrozenDictionary<string, ImmutableArray<LoadedModel>> ByName)
    {
        public static ModelSet Of(ImmutableArray<LoadedModel> all) => new(
            all, all.GroupBy(m => m.Name, StringComparer.OrdinalIgnoreCase)
                .ToFrozenDictionary(g => g.Key, g => g.ToImmutableArray(), StringComparer.OrdinalIgnoreCase));
    }
}

/// <summary>An item counted in <see cref="InferenceDevice.InFlight"/> until disposed.</summary>
internal readonly struct ItemScope : IDisposable
{
    private readonly InferenceDevice? _device;
    private readonly bool _batch;

    internal ItemScope(InferenceDevice device, bool batch) => (_device, _batch) = (device, batch);

    /// <summary>Stops counting the item.</summary>
    public void Dispose() => _device?.ItemDone(_batch);
}
