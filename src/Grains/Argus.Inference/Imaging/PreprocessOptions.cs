namespace Argus.Inference.Imaging;

/// <summary>How an image is fitted to the model's input size.</summary>
public enum ResizeMode
{
    /// <summary>Resize to the input size, ignoring the aspect ratio.</summary>
    Stretch,

    /// <summary>Resize the short side to the input size, then crop the centre (ImageNet classifiers).</summary>
    CenterCrop,

    /// <summary>Fit the height, keep the aspect ratio, and pad on the right with zeros (PP-OCR's text classifiers).</summary>
    PadRight,

    /// <summary>
    /// Keep the aspect ratio, scale to fit inside the input size (up or down), and pad right and bottom with zeros
    /// (detectors: the input size stays fixed, so images of any shape batch together).
    /// </summary>
    Fit,
}

/// <summary>The order of the three colour channels the model expects.</summary>
public enum ChannelOrder
{
    /// <summary>Red, green, blue.</summary>
    Rgb,

    /// <summary>Blue, green, red (OpenCV's and Caffe's order).</summary>
    Bgr,
}

/// <summary>
/// Turns a decoded image into one model input: resize, channel order, then <c>(pixel - mean) / std</c> per channel
/// on 0–255 values, laid out planar (CHW).
/// </summary>
public sealed class PreprocessOptions
{
    /// <summary>Input width in pixels.</summary>
    public int Width { get; set; } = 224;

    /// <summary>Input height in pixels.</summary>
    public int Height { get; set; } = 224;

    /// <summary>How the image is fitted to the input size.</summary>
    public ResizeMode Resize { get; set; } = ResizeMode.Stretch;

    /// <summary>Channel order of the input.</summary>
    public ChannelOrder Channels { get; set; } = ChannelOrder.Rgb;

    // Null defaults: the configuration binder appends to a pre-filled array instead of replacing it.

    /// <summary>Per-channel mean on the 0–255 scale, in the input's channel order. Default zeros.</summary>
    public float[]? Mean { get; set; }

    /// <summary>Per-channel standard deviation on the 0–255 scale, in the input's channel order. Default ones.</summary>
    public float[]? Std { get; set; }

    internal float[] MeanOrDefault => Mean ?? [0, 0, 0];

    internal float[] StdOrDefault => Std ?? [1, 1, 1];

    internal IEnumerable<string> Validate(string owner)
    {
        if (Width < 1 || Height < 1) yield return $"{owner}: Width and Height must be positive (are {Width}×{Height}).";
        if (MeanOrDefault.Length != 3) yield return $"{owner}: Mean needs 3 values (has {MeanOrDefault.Length}).";
        if (StdOrDefault.Length != 3 || StdOrDefault.Any(s => s == 0)) yield return $"{owner}: Std needs 3 non-zero values.";
    }
}
