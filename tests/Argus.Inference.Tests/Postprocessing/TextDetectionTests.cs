using Argus.Inference.Imaging;
using Argus.Inference.Postprocessing;
using OpenCvSharp;

namespace Argus.Inference.Tests.Postprocessing;

/// <summary>DB post-processing on synthetic probability maps, where every box can be worked out by hand.</summary>
public sealed class TextDetectionTests
{
    private const int Width = 64;
    private const int Height = 48;

    /// <summary>A 128×96 image fitted into the 64×48 input at half size: map pixels are 2 image pixels.</summary>
    private static readonly ImageFit Half = new(128, 96, 0, 0, 64, 48);

    private static float[] Map(params (int X, int Y, int Width, int Height, float P)[] blobs)
    {
        var map = new float[Width * Height];
        foreach (var (x0, y0, w, h, p) in blobs)
        {
            for (var y = y0; y < y0 + h; y++)
            {
                map.AsSpan((y * Width) + x0, w).Fill(p);
            }
        }

        return map;
    }

    /// <summary>
    /// The box PaddleOCR's DB post-processing gives a filled rectangle of <paramref name="w"/>×<paramref name="h"/> map
    /// pixels at (<paramref name="x"/>, <paramref name="y"/>), in image pixels: the outline runs through the outer
    /// pixels' centres ((w-1)×(h-1)), is grown on every side by its area × 1.5 / its perimeter, then doubled.
    /// </summary>
    private static Rect2f Expected(int x, int y, int w, int h)
    {
        var (cw, ch) = (w - 1f, h - 1f);
        var grow = cw * ch * 1.5f / (2 * (cw + ch));
        return new Rect2f((x - grow) * 2, (y - grow) * 2, (cw + (2 * grow)) * 2, (ch + (2 * grow)) * 2);
    }

    private static void AssertBox(Rect2f expected, TextRegion actual)
    {
        Assert.Equal(expected.X, actual.Box.X, 0.01f);
        Assert.Equal(expected.Y, actual.Box.Y, 0.01f);
        Assert.Equal(expected.Width, actual.Box.Width, 0.01f);
        Assert.Equal(expected.Height, actual.Box.Height, 0.01f);
    }

    [Fact]
    public void Two_rectangles_become_two_scored_boxes_grown_and_scaled_back_to_the_image()
    {
        var map = Map((8, 6, 20, 8, 0.9f), (40, 30, 20, 10, 0.8f));

        var regions = TextDetection.Find(map, Width, Height, Half, new DetectionOptions());

        Assert.Equal(2, regions.Count);
        AssertBox(Expected(8, 6, 20, 8), regions[0]); // (8.33, 4.33) 53.3×29.3
        AssertBox(Expected(40, 30, 20, 10), regions[1]); // (70.8, 50.8) 56.3×36.3
        Assert.Equal(0.9f, regions[0].Score, 0.001f);
        Assert.Equal(0.8f, regions[1].Score, 0.001f);
        var box = regions[0].Box;
        Assert.Equal(
            [new Point2f(box.Left, box.Top), new Point2f(box.Right, box.Top), new Point2f(box.Right, box.Bottom), new Point2f(box.Left, box.Bottom)],
            regions[0].Corners);
    }

    [Fact]
    public void A_faint_blob_a_speck_and_an_empty_map_give_nothing()
    {
        var faint = Map((10, 10, 30, 12, 0.45f)); // text-ish pixels (> 0.3), but not confident enough (< 0.6) as a region
        var speck = Map((10, 10, 2, 2, 0.99f)); // thinner than 3 map pixels

        Assert.Empty(TextDetection.Find(faint, Width, Height, Half, new DetectionOptions()));
        Assert.Single(TextDetection.Find(faint, Width, Height, Half, new DetectionOptions { BoxThreshold = 0.4f }));
        Assert.Empty(TextDetection.Find(speck, Width, Height, Half, new DetectionOptions()));
        Assert.Empty(TextDetection.Find(new float[Width * Height], Width, Height, Half, new DetectionOptions()));
    }

    [Fact]
    public void Boxes_are_clamped_to_the_image_and_dropped_in_the_padding()
    {
        // A 32×48 image at full size in the left half of the input; the right half is padding.
        var fit = new ImageFit(32, 48, 0, 0, 32, 48);
        var map = Map((20, 10, 20, 8, 0.9f), (46, 30, 12, 8, 0.9f));

        var region = Assert.Single(TextDetection.Find(map, Width, Height, fit, new DetectionOptions()));

        Assert.Equal(32f, region.Box.Right, 0.01f);
        Assert.All(region.Corners, c => Assert.InRange(c.X, 0f, 32f));
    }

    [Fact]
    public void A_tensor_s_boxes_are_in_input_coordinates()
    {
        var map = Map((8, 6, 20, 8, 0.9f));
        var region = Assert.Single(TextDetection.Find(map, Width, Height, ImageFit.Identity(Width, Height), new DetectionOptions()));

        var half = Expected(8, 6, 20, 8);
        AssertBox(new Rect2f(half.X / 2, half.Y / 2, half.Width / 2, half.Height / 2), region);
    }

    [Fact]
    public void A_map_of_the_wrong_size_is_refused() =>
        Assert.Throws<ArgumentException>(() => TextDetection.Find(new float[10], Width, Height, Half, new DetectionOptions()));
}
