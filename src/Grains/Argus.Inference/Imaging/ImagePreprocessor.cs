using OpenCvSharp;

namespace Argus.Inference.Imaging;

/// <summary>One model input made from an image, and where the image lies in it.</summary>
/// <param name="Tensor">The CHW float tensor.</param>
/// <param name="Fit">The decoded image's size and the rectangle of the input it fills.</param>
public sealed record PreparedImage(float[] Tensor, ImageFit Fit);

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
    public float[] Process(byte[] encoded, ImageLimits limits) => Prepare(encoded, limits).Tensor;

    /// <summary>Preprocesses an 8-bit BGR image.</summary>
    public float[] Process(Mat bgr) => Prepare(bgr).Tensor;

    /// <summary>Decodes and preprocesses an encoded image, and says where the decoded image lies in the input.</summary>
    /// <exception cref="InvalidInputException">The image is unusable.</exception>
    public PreparedImage Prepare(byte[] encoded, ImageLimits limits)
    {
        using var image = ImageDecoder.Decode(encoded, limits);
        return Prepare(image);
    }

    /// <summary>Preprocesses an 8-bit BGR image, and says where it lies in the input.</summary>
    public PreparedImage Prepare(Mat bgr)
    {
        var tensor = new float[TensorLength];
        var fit = FitOf(bgr.Width, bgr.Height);
        using var fitted = Resize(bgr, fit);
        Write(fitted, tensor);
        return new PreparedImage(tensor, fit);
    }

    /// <summary>Where an image of <paramref name="width"/>×<paramref name="height"/> lands in the input.</summary>
    public ImageFit FitOf(int width, int height)
    {
        switch (options.Resize)
        {
            case ResizeMode.CenterCrop:
            {
                var scale = Math.Max((double)_width / width, (double)_height / height);
                var w = Math.Max(_width, (int)Math.Round(width * scale));
                var h = Math.Max(_height, (int)Math.Round(height * scale));
                return new ImageFit(width, height, -((w - _width) / 2), -((h - _height) / 2), w, h);
            }
            case ResizeMode.PadRight:
            {
                var w = Math.Min(_width, (int)Math.Ceiling(_height * (double)width / height));
                return new ImageFit(width, height, 0, 0, Math.Max(1, w), _height);
            }
            case ResizeMode.Fit:
            {
                var scale = Math.Min((double)_width / width, (double)_height / height);
                var w = Math.Clamp((int)Math.Round(width * scale), 1, _width);
                var h = Math.Clamp((int)Math.Round(height * scale), 1, _height);
                return new ImageFit(width, height, 0, 0, w, h);
            }
            default:
                return new ImageFit(width, height, 0, 0, _width, _height);
        }
    }

    private Mat Resize(Mat bgr, ImageFit fit)
    {
        var resized = bgr.Resize(new Size(fit.Width, fit.Height), interpolation: InterpolationFlags.Linear);
        if (fit.Width <= _width && fit.Height <= _height)
        {
            return resized;
        }

        using (resized)
        {
            return resized[new Rect(-fit.Left, -fit.Top, _width, _height)].Clone(); // the centre crop
        }
    }

    /// <summary>Writes the (possibly smaller, for <see cref="ResizeMode.PadRight"/> and <see cref="ResizeMode.Fit"/>) image into the tensor's top-left; the rest stays zero.</summary>
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
