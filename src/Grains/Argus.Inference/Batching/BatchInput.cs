namespace Argus.Inference.Batching;

/// <summary>
/// An item's input: a tensor ready now, or a preparation (decode and preprocess) that the device runs when the item's
/// batch forms. On a CPU device preparing in the batch keeps decoding off the cores while the model runs on them; where
/// the model runs elsewhere (a GPU), callers prepare first so decoding overlaps the device's work.
/// </summary>
public sealed class BatchInput
{
    private readonly float[]? _ready;
    private readonly Func<float[]>? _prepare;

    private BatchInput(float[]? ready, Func<float[]>? prepare)
    {
        _ready = ready;
        _prepare = prepare;
    }

    /// <summary>A tensor ready to run.</summary>
    public static BatchInput Ready(float[] tensor) => new(tensor, null);

    /// <summary>A preparation run on the device when the batch forms; what it throws fails this item alone.</summary>
    public static BatchInput Deferred(Func<float[]> prepare) => new(null, prepare);

    internal bool IsDeferred => _prepare is not null;

    internal float[] Resolve() => _ready ?? _prepare!();
}
