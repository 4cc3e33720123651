using Argus.Inference.Batching;
using Argus.Inference.Sessions;

namespace Argus.Inference.Devices;

/// <summary>One device of this silo: its warm model sessions and the batcher in front of them.</summary>
public sealed class InferenceDevice : IDisposable
{
    private readonly Dictionary<string, LoadedModel> _models;
    private int _inFlight;
    private int _batchInFlight;

    internal InferenceDevice(ExecutionTarget target, MicroBatcher batcher, IEnumerable<LoadedModel> models)
    {
        Target = target;
        Batcher = batcher;
        _models = models.ToDictionary(m => m.Name, StringComparer.OrdinalIgnoreCase);
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
    /// Items at this device now, every lane, from <see cref="TrackItem"/> to the end of its scope: being checked or
    /// prepared, queued or running. What a stopping silo waits for.
    /// </summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// The realtime and interactive items of <see cref="InFlight"/>: what the autoscaler scales on. Batch-lane items (batch
    /// jobs) fill the capacity the others leave and never grow the cluster by themselves.
    /// </summary>
    public int ServingInFlight => Volatile.Read(ref _inFlight) - Volatile.Read(ref _batchInFlight);

    /// <summary>Counts an item of <paramref name="lane"/> in <see cref="InFlight"/> until the returned scope is disposed.</summary>
    public ItemScope TrackItem(BatchLane lane)
    {
        var batch = lane == BatchLane.Batch;
        if (batch)
        {
            Interlocked.Increment(ref _batchInFlight);
        }

        Interlocked.Increment(ref _inFlight);
        return new ItemScope(this, batch);
    }

    /// <summary>Queues one input on the model's queue of this device.</summary>
    public Task<BatchItemResult> RunAsync(
        LoadedModel model, BatchInput input, BatchLane lane, DateTime deadline, CancellationToken cancellationToken) =>
        Batcher.SubmitAsync(model.Queue, input, lane, deadline, cancellationToken);

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
public readonly struct ItemScope : IDisposable
{
    private readonly InferenceDevice? _device;
    private readonly bool _batch;

    internal ItemScope(InferenceDevice device, bool batch) => (_device, _batch) = (device, batch);

    /// <summary>Stops counting the item.</summary>
    public void Dispose() => _device?.ItemDone(_batch);
}
