using OpenCvSharp;

namespace Argus.Inference.Imaging;

/// <summary>Fits a decoded BGR image to a model's input and lays it out as a CHW float tensor.</summary>
public sealed class ImagePreprocessor(PreprocessOptions options)
{
    private readonly int _width = options.Width;
    private readonly int _height = options.Height;

    // Scale and offset per output channel, so that value = pixel * scale + offset = (pixel - mean) / std.
    private readonly float[] _scale = [.. options.StdOrDefault.Select(s => 1f / s)];
    private readonly float[] _offset = [.. options.MeanOrDefault.Zip(options.StdOrDefault, (m, s) => -m / s)];

    // Source channel (BGR index) feeding each output channel.
    private readonly int[] _source = options.Channels == ChannelOrder.Rgb ? [2, 1, 0] : [0, 1, 2];

    /// <summary>Elements of one input tensor (3 × height × width).</summary>
    public int TensorLength => 3 * _width * _height;

    /// <summary>Decodes and preprocesses an encoded image.</summary>
    /// <exception cref="InvalidInputException">The image is unusable.</exception>
    public float[] Process(byte[] encoded, ImageLimits limits)
    {
        using var image = ImageDecoder.Decode(encoded, limits);
        return Process(image);
    }

    /// <summary>Preprocesses an 8-bit BGR image.</summary>
    public float[] Process(Mat bgr)
    {
        var tensor = new float[TensorLength];
        using var fitted = Fit(bgr);
        Write(fitted, tensor);
        return tensor;
    }

    private Mat Fit(Mat bgr)
    {
        switch (options.Resize)
        {
            case ResizeMode.CenterCrop:
            {
                var scale = Math.Max((double)_width / bgr.Width, (double)_height / bgr.Height);
                var w = Math.Max(_width, (int)Math.Round(bgr.Width * scale));
                var h = Math.Max(_height, (int)Math.Round(bgr.Height * scale));
                using var resized = bgr.Resize(new Size(w, h), interpolation: InterpolationFlags.Linear);
                var roi = new Rect((w - _width) / 2, (h - _height) / 2, _width, _height);
                return resized[roi].Clone();
            }
            case ResizeMode.PadRight:
            {
                var w = Math.Min(_width, (int)Math.Ceiling(_height * (double)bgr.Width / bgr.Height));
                return bgr.Resize(new Size(Math.Max(1, w), _height), interpolation: InterpolationFlags.Linear);
            }
            default:
                return bgr.Resize(new Size(_width, _height), interpolation: InterpolationFlags.Linear);
        }
    }

    /// <summary>Writes the (possibly narrower, for <see cref="ResizeMode.PadRight"/>) image into the tensor; the rest stays zero.</summary>
    private unsafe void Write(Mat fitted, float[] tensor)
    {
        var plane = _width * _height;
        var rows = fitted.Rows;
        var cols = fitted.Cols;
        var step = (int)fitted.Step();
        var data = (byte*)fitted.DataPointer;
        for (var c = 0; c < 3; c++)
        {
            var src = _source[c];
            var scale = _scale[c];
            var offset = _offset[c];
            var dst = tensor.AsSpan(c * plane, plane);
            for (var y = 0; y < rows; y++)
            {
                var row = data + (y * step);
                var outRow = dst.Slice(y * _width, cols);
                for (var x = 0; x < cols; x++)
                {
                    outRow[x] = (row[(x * 3) + src] * scale) + offset;
                }
            }
        }
    }
}
