using OpenCvSharp;

namespace Argus.Inference.Imaging;

/// <summary>Limits on what the decoder accepts.</summary>
public sealed class ImageLimits
{
    /// <summary>The most pixels a decoded image may have. Default 40 million (e.g. 8000×5000).</summary>
    public long MaxPixels { get; set; } = 40_000_000;

    /// <summary>The longest side in pixels. Default 16384.</summary>
    public int MaxSide { get; set; } = 16384;
}

/// <summary>Decodes encoded images to BGR pixels with OpenCV, after checking the header against <see cref="ImageLimits"/>.</summary>
public static class ImageDecoder
{
    /// <summary>
    /// Decodes to an 8-bit, 3-channel BGR <see cref="Mat"/> that the caller disposes.
    /// </summary>
    /// <exception cref="InvalidInputException">Empty, unsupported, truncated, too large or undecodable.</exception>
    public static Mat Decode(byte[] data, ImageLimits limits)
    {
        var header = Check(data, limits);
        Mat mat;
        try
        {
            mat = Cv2.ImDecode(data, ImreadModes.Color);
        }
        catch (OpenCVException e)
        {
            // A codec that refuses the data by throwing says the same as one that returns nothing: the caller's image is bad.
            throw new InvalidInputException($"The {header.Format} image could not be decoded ({e.Message}).");
        }

        if (mat.Empty())
        {
            mat.Dispose();
            throw new InvalidInputException($"The {header.Format} image could not be decoded (corrupt data).");
        }

        return mat;
    }

    /// <summary>
    /// Reads and checks the header only: what can be refused without decoding (empty, unsupported, truncated, too
    /// large) is refused here, at the cost of a few bytes read.
    /// </summary>
    /// <exception cref="InvalidInputException">The header says the image is unusable.</exception>
    public static ImageHeader Check(byte[] data, ImageLimits limits)
    {
        var header = ImageHeader.Read(data);
        if (header.Width <= 0 || header.Height <= 0)
        {
            throw new InvalidInputException($"The {header.Format} header declares an empty image ({header.Width}×{header.Height}).");
        }

        if (header.Width > limits.MaxSide || header.Height > limits.MaxSide
            || (long)header.Width * header.Height > limits.MaxPixels)
        {
            throw new InvalidInputException(
                $"The image declares {header.Width}×{header.Height} pixels; the limit is {limits.MaxPixels} pixels and {limits.MaxSide} per side.");
        }

        return header;
    }
}
