using Argus.Inference.Imaging;
using Argus.Inference.Postprocessing;
using Argus.Testing;
using OpenCvSharp;

namespace Argus.Inference.Tests.Models;

/// <summary>The PP-OCRv4 text detector and its DB post-processing on real images, boxes in the images' own pixels.</summary>
public sealed class TextDetectionTests(ModelFixture models) : IClassFixture<ModelFixture>
{
    /// <summary>The "CREATIVE" logo printed on the big chip of board.jpg (640×480), a point inside it.</summary>
    private static readonly Point2f Logo = new(420, 362);

    private IReadOnlyList<TextRegion> Detect(Mat image)
    {
        var prepared = models.TextDetectorPreprocessor.Prepare(image);
        var map = models.TextDetector.Run([prepared.Tensor])[0];
        return TextDetection.Find(map, 640, 480, prepared.Fit, new DetectionOptions());
    }

    private static TextRegion Around(IReadOnlyList<TextRegion> regions, Point2f point) =>
        Assert.Single(regions, r => r.Box.Contains(point));

    private static string Describe(IReadOnlyList<TextRegion> regions) =>
        string.Join("; ", regions.Select(r => $"{r.Score:F2} at {r.Box.X:F0},{r.Box.Y:F0} {r.Box.Width:F0}×{r.Box.Height:F0}"));

    [Fact]
    public void The_map_is_one_probability_per_input_pixel() => Assert.Equal([-1L, 1, 480, 640], models.TextDetector.Output.Shape);

    [Fact]
    public void It_finds_the_printing_on_a_photo_of_a_circuit_board_inside_the_image()
    {
        using var photo = Cv2.ImDecode(TestData.Image("board.jpg"), ImreadModes.Color);

        var regions = Detect(photo);

        Assert.True(regions.Count >= 5, $"expected the board's printed labels, found {Describe(regions)}");
        Assert.All(regions, r =>
        {
            Assert.InRange(r.Score, 0.6f, 1f);
            Assert.True(r.Box.X >= 0 && r.Box.Y >= 0 && r.Box.X + r.Box.Width <= 640 && r.Box.Y + r.Box.Height <= 480, Describe([r]));
            Assert.Equal(4, r.Corners.Count);
        });
        var logo = Around(regions, Logo);
        Assert.InRange(logo.Box.Width, 50, 90); // one box for the word, as wide as it
        Assert.InRange(logo.Box.Height, 10, 25);
    }

    [Fact]
    public void Boxes_are_in_the_original_image_s_pixels_whatever_its_size_and_shape()
    {
        using var photo = Cv2.ImDecode(TestData.Image("board.jpg"), ImreadModes.Color);
        using var twice = photo.Resize(new Size(1280, 960), interpolation: InterpolationFlags.Cubic);
        // The right 360 columns, doubled: a 720×960 portrait, fitted to 360×480 beside 280 columns of padding.
        using var portrait = photo[new Rect(280, 0, 360, 480)].Resize(new Size(720, 960), interpolation: InterpolationFlags.Cubic);

        var logo = Around(Detect(photo), Logo).Box;
        var logoTwice = Around(Detect(twice), new Point2f(Logo.X * 2, Logo.Y * 2)).Box;
        var logoPortrait = Around(Detect(portrait), new Point2f((Logo.X - 280) * 2, Logo.Y * 2)).Box;

        // The photo and its double reach the model as (almost) the same input: the box doubles.
        AssertEdges(Doubled(logo, shift: 0), logoTwice, tolerance: 2);
        // Cropped, the word sits elsewhere in the input, beside padding, and the model sees it a little differently:
        // its edges move by at most 3 pixels of the original photo.
        AssertEdges(Doubled(logo, shift: -280), logoPortrait, tolerance: 6);
    }

    private static Rect2f Doubled(Rect2f box, float shift) => new((box.X + shift) * 2, box.Y * 2, box.Width * 2, box.Height * 2);

    private static void AssertEdges(Rect2f expected, Rect2f actual, float tolerance)
    {
        Assert.Equal(expected.Left, actual.Left, tolerance);
        Assert.Equal(expected.Top, actual.Top, tolerance);
        Assert.Equal(expected.Right, actual.Right, tolerance);
        Assert.Equal(expected.Bottom, actual.Bottom, tolerance);
    }

    [Fact]
    public void Each_line_of_a_printed_page_gets_one_box_top_to_bottom()
    {
        using var page = Cv2.ImDecode(TestData.Image("imageTextN.png"), ImreadModes.Color); // 556×257, 13 lines

        var regions = Detect(page);

        Assert.Equal(13, regions.Count);
        Assert.All(regions, r =>
        {
            Assert.InRange(r.Box.X, 25, 55); // the margin, or a paragraph's indent
            Assert.InRange(r.Box.Height, 10, 25);
            Assert.True(r.Box.Y + r.Box.Height <= 257, Describe([r]));
        });
        Assert.Equal(regions.Select(r => r.Box.Y).Order(), regions.Select(r => r.Box.Y));
    }

    [Theory]
    [InlineData(255)]
    [InlineData(128)]
    [InlineData(0)]
    public void A_blank_image_has_no_text(byte level)
    {
        using var blank = new Mat(480, 640, MatType.CV_8UC3, Scalar.All(level));
        Assert.Empty(Detect(blank));
    }
}
