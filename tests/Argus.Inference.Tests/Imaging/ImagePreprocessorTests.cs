using Argus.Inference.Imaging;
using Argus.Testing;
using OpenCvSharp;

namespace Argus.Inference.Tests.Imaging;

public sealed class ImagePreprocessorTests
{
    private static Mat Solid(int width, int height, byte b, byte g, byte r) =>
        new(height, width, MatType.CV_8UC3, new Scalar(b, g, r));

    [Fact]
    public void Rgb_planar_with_mean_and_std_per_channel()
    {
        var p = new ImagePreprocessor(new PreprocessOptions
        {
            Width = 4, Height = 2, Channels = ChannelOrder.Rgb, Mean = [10, 20, 30], Std = [2, 4, 5],
        });
        using var image = Solid(8, 4, b: 30, g: 60, r: 90);

        var t = p.Process(image);

        Assert.Equal(3 * 4 * 2, t.Length);
        Assert.All(t[..8], v => Assert.Equal((90 - 10) / 2f, v)); // R plane first
        Assert.All(t[8..16], v => Assert.Equal((60 - 20) / 4f, v));
        Assert.All(t[16..], v => Assert.Equal((30 - 30) / 5f, v));
    }

    [Fact]
    public void Bgr_keeps_opencv_order()
    {
        var p = new ImagePreprocessor(new PreprocessOptions { Width = 2, Height = 2, Channels = ChannelOrder.Bgr });
        using var image = Solid(2, 2, b: 1, g: 2, r: 3);
        Assert.Equal([1f, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3], p.Process(image));
    }

    [Fact]
    public void Pad_right_keeps_the_aspect_ratio_and_pads_with_zeros()
    {
        var p = new ImagePreprocessor(new PreprocessOptions
        {
            Width = 192, Height = 48, Resize = ResizeMode.PadRight, Channels = ChannelOrder.Bgr, Mean = [127.5f, 127.5f, 127.5f], Std = [127.5f, 127.5f, 127.5f],
        });
        using var image = Solid(100, 50, 255, 255, 255); // 2:1 → 96×48, then 96 columns of padding

        var t = p.Process(image);

        Assert.Equal(1f, t[(10 * 192) + 95], 5);
        Assert.Equal(0f, t[(10 * 192) + 96]);
    }

    [Theory]
    [InlineData(16, 8, 8, 4)] // wide: full width, padded below
    [InlineData(4, 16, 2, 8)] // tall: full height, padded on the right
    [InlineData(2, 1, 8, 4)] // small: scaled up
    public void Fit_keeps_the_aspect_ratio_inside_the_input_and_pads_right_and_bottom(int width, int height, int fittedWidth, int fittedHeight)
    {
        var p = new ImagePreprocessor(new PreprocessOptions { Width = 8, Height = 8, Resize = ResizeMode.Fit, Channels = ChannelOrder.Bgr });
        using var image = Solid(width, height, 100, 100, 100);

        var prepared = p.Prepare(image);

        Assert.Equal(new ImageFit(width, height, 0, 0, fittedWidth, fittedHeight), prepared.Fit);
        var plane = prepared.Tensor[..64];
        for (var i = 0; i < 64; i++)
        {
            var inside = i % 8 < fittedWidth && i / 8 < fittedHeight;
            Assert.Equal(inside ? 100f : 0f, plane[i]);
        }
    }

    [Fact]
    public void The_fit_is_the_decoded_image_s_so_an_exif_rotated_photo_s_header_does_not_mislead_it()
    {
        // board.jpg (640×480) with an EXIF segment saying "rotate 90° clockwise to display" (orientation 6).
        var jpeg = TestData.Image("board.jpg");
        byte[] exif =
        [
            0xFF, 0xE1, 0, 34, (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, first IFD at 8
            0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, // one entry: Orientation (SHORT) = 6; no next IFD
        ];
        byte[] rotated = [.. jpeg[..2], .. exif, .. jpeg[2..]];
        var p = new ImagePreprocessor(new PreprocessOptions { Width = 64, Height = 64, Resize = ResizeMode.Fit });

        var prepared = p.Prepare(rotated, new ImageLimits());

        Assert.Equal(new ImageHeader(ImageFormat.Jpeg, 640, 480), ImageHeader.Read(rotated));
        Assert.Equal(new ImageFit(480, 640, 0, 0, 48, 64), prepared.Fit);
    }

    [Fact]
    public void Center_crop_fills_the_input_from_the_middle()
    {
        var p = new ImagePreprocessor(new PreprocessOptions { Width = 4, Height = 4, Resize = ResizeMode.CenterCrop, Channels = ChannelOrder.Bgr });
        using var image = Solid(12, 4, 0, 0, 0);
        image[new Rect(4, 0, 4, 4)].SetTo(new Scalar(200, 200, 200)); // only the middle third is bright

        Assert.All(p.Process(image), v => Assert.Equal(200f, v));
        Assert.Equal(new ImageFit(12, 4, -4, 0, 12, 4), p.FitOf(12, 4)); // input column 0 is image column 4
    }

    [Fact]
    public void Center_crop_of_a_resized_image_one_pixel_wider_than_the_input_still_fills_it_exactly()
    {
        var p = new ImagePreprocessor(new PreprocessOptions { Width = 4, Height = 4, Resize = ResizeMode.CenterCrop, Channels = ChannelOrder.Bgr });
        using var image = Solid(5, 4, 0, 0, 0);
        image[new Rect(4, 0, 1, 4)].SetTo(new Scalar(200, 200, 200)); // only the rightmost column, which the crop drops

        Assert.Equal(new ImageFit(5, 4, 0, 0, 5, 4), p.FitOf(5, 4));
        Assert.All(p.Process(image), v => Assert.Equal(0f, v));
    }
}
