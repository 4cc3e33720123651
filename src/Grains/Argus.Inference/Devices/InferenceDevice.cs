using System.Diagnostics;
using System.Text.Json;
using Argus.Inference.Batching;
using Argus.Inference.Imaging;
using Argus.Inference.Sessions;
using Argus.Inference.Telemetry;

namespace Argus.Inference.Devices;

/// <summary>One device of this silo: its warm model sessions and the batcher in front of them.</summary>
public sealed class InferenceDevice : IDisposable
{
    private readonly Dictionary<string, LoadedModel> _models;
    private readonly ImageLimits _limits;
    private readonly InferenceInstruments _instruments;
    private int _inFlight;
    private int _batchInFlight;

    internal InferenceDevice(
        ExecutionTarget target, MicroBatcher batcher, IEnumerable<LoadedModel> models, ImageLimits limits, InferenceInstruments instruments)
    {
        Target = target;
        Batcher = batcher;
        _models = models.ToDictionary(m => m.Name, StringComparer.OrdinalIgnoreCase);
        _limits = limits;
        _instruments = instruments;
    }

    /// <summary>The device's name on its silo, e.g. <c>cpu0</c>.</summary>
    public string Name => Target.Device;

    /// <summary>What it runs on.</summary>
    public ExecutionTarget Target { get; }

    /// <summary>The device's scheduler.</summary>
    public MicroBatcher Batcher { get; }

    /// <summary>The loaded models.</summary>
    public IReadOnlyCollection<LoadedModel> Models => _models.Values;

    /// <summary>The model of that name, or null.</summary>
    public LoadedModel? FindModel(string name) => _models.GetValueOrDefault(name);

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
    /// queues it in <paramref name="lane"/> until <paramref name="deadline"/>, and applies the model's task to its output
    /// row unless <paramref name="raw"/>. Counted in <see cref="InFlight"/> and in the inference metrics. Never throws for
    /// the item: a failure is the outcome's.
    /// </summary>
    public async Task<ItemOutcome> InferAsync(
        LoadedModel model, byte[]? image, float[]? tensor, BatchLane lane, DateTime deadline, bool raw, CancellationToken cancellationToken)
    {
        using var counted = TrackItem(lane);
        var arrived = Stopwatch.GetTimestamp();
        var outcome = await RunAsync(model, image, tensor, lane, deadline, raw, cancellationToken);
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
        LoadedModel model, byte[]? image, float[]? tensor, BatchLane lane, DateTime deadline, bool raw, CancellationToken cancellationToken)
    {
        try
        {
            if (image is not null && !PreprocessesOnDevice)
            {
                // Here images are decoded before they queue: decode none that the queue would refuse.
                Batcher.ThrowIfWouldReject(model.Queue, lane, deadline);
            }

            var prepared = (image, tensor) switch
            {
                ({ } i, null) => model.PrepareImage(i, _limits, PreprocessesOnDevice),
                (null, { } t) => model.PrepareTensor(t),
                _ => throw new InvalidInputException("Each input needs either an image or a tensor, not both or neither."),
            };
            var ran = await Batcher.SubmitAsync(model.Queue, prepared, lane, deadline, cancellationToken);
            return new ItemOutcome(ran, raw ? null : model.Postprocess(ran.Output, prepared.Fit), null);
        }
        catch (InvalidInputException e)
        {
            return Failed(ItemFailureKind.BadInput, "bad_input", e.Message);
        }
        catch (InferenceRejectedException e)
        {
            // The reason (queue_full, deadline_unreachable, deadline_expired, shutting_down) says which control refused it.
            return Failed(ItemFailureKind.Rejected, JsonNamingPolicy.SnakeCaseLower.ConvertName(e.Reason.ToString()), e.Message, e.RetryAfter);
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

        static ItemOutcome Failed(ItemFailureKind kind, string reason, string message, TimeSpan? retryAfter = null) =>
            new(null, null, new ItemFailure(kind, reason, message, retryAfter));
    }

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
        foreach (var model in _models.Values)
        {
            model.Dispose();
        }
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
