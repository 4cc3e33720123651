namespace Argus.Inference.Imaging;

/// <summary>
/// Where an image lies in a model's input: its size as decoded, and the rectangle of the input it was resized into
/// (left and top are negative where a centre crop cut the image). Maps input coordinates, and those of outputs laid out
/// like the input (a detector's probability map), back onto the image.
/// </summary>
/// <param name="SourceWidth">The decoded image's width in pixels.</param>
/// <param name="SourceHeight">The decoded image's height in pixels.</param>
/// <param name="Left">Input column of the resized image's left edge.</param>
/// <param name="Top">Input row of the resized image's top edge.</param>
/// <param name="Width">The resized image's width.</param>
/// <param name="Height">The resized image's height.</param>
public readonly record struct ImageFit(int SourceWidth, int SourceHeight, int Left, int Top, int Width, int Height)
{
    /// <summary>An input that is no image (a caller's tensor): input coordinates are the answer's coordinates.</summary>
    public static ImageFit Identity(int width, int height) => new(width, height, 0, 0, width, height);

    /// <summary>The image column of input column <paramref name="x"/>.</summary>
    public float ToSourceX(float x) => (float)((x - Left) * SourceWidth / (double)Width);

    /// <summary>The image row of input row <paramref name="y"/>.</summary>
    public float ToSourceY(float y) => (float)((y - Top) * SourceHeight / (double)Height);
}
