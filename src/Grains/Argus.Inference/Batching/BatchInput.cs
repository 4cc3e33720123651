using Argus.Inference.Imaging;

namespace Argus.Inference.Batching;

/// <summary>
/// An item's input: a tensor ready now, or a preparation (decode and preprocess) that the device runs when the item's
/// batch forms. On a CPU device preparing in the batch keeps decoding off the cores while the model runs on them; where
/// the model runs elsewhere (a GPU), callers prepare first so decoding overlaps the device's work.
/// </summary>
public sealed class BatchInput
{
    private readonly float[]? _ready;
    private readonly Func<PreparedImage>? _prepare;

    private BatchInput(float[]? ready, ImageFit? fit, Func<PreparedImage>? prepare)
    {
        _ready = ready;
        Fit = fit;
        _prepare = prepare;
    }

    /// <summary>
    /// Where the item's image lies in its tensor, as decoded: null for a caller's tensor, and for a deferred image until
    /// its batch has prepared it (read it once the item's result has arrived).
    /// </summary>
    /// <remarks>
    /// Postprocessing that maps outputs back onto the image (detection) needs the decoded size. It travels with the input
    /// rather than being read from the header on arrival: OpenCV applies a JPEG's EXIF orientation when decoding, so a
    /// phone photo's header can declare 4000×3000 for an image that decodes to 3000×4000.
    /// </remarks>
    public ImageFit? Fit { get; private set; }

    /// <summary>A tensor ready to run; <paramref name="fit"/> where it was made from an image.</summary>
    public static BatchInput Ready(float[] tensor, ImageFit? fit = null) => new(tensor, fit, null);

    /// <summary>An image prepared on the device when the batch forms; what the preparation throws fails this item alone.</summary>
    public static BatchInput Deferred(Func<PreparedImage> prepare) => new(null, null, prepare);

    internal bool IsDeferred => _prepare is not null;

    internal float[] Resolve()
    {
        if (_ready is not null)
        {
            return _ready;
        }

        var prepared = _prepare!();
        Fit = prepared.Fit;
        return prepared.Tensor;
    }
}
