using System.Text;
using Argus.Inference.Imaging;
using Argus.Testing;
using OpenCvSharp;

namespace Argus.Inference.Tests.Imaging;

public sealed class ImageDecoderTests
{
    private static readonly ImageLimits Limits = new();

    [Theory]
    [InlineData(".jpg", ImageFormat.Jpeg)]
    [InlineData(".png", ImageFormat.Png)]
    [InlineData(".bmp", ImageFormat.Bmp)]
    [InlineData(".webp", ImageFormat.WebP)]
    public void Every_supported_format_decodes_and_its_header_tells_the_true_size(string extension, ImageFormat format)
    {
        using var photo = Cv2.ImDecode(TestData.Image("baboon.jpg"), ImreadModes.Color);
        using var cropped = photo[new Rect(0, 0, 301, 203)].Clone();
        Cv2.ImEncode(extension, cropped, out var encoded);

        var header = ImageHeader.Read(encoded);
        using var decoded = ImageDecoder.Decode(encoded, Limits);

        Assert.Equal(new ImageHeader(format, 301, 203), header);
        Assert.Equal(new Size(301, 203), decoded.Size());
        Assert.Equal(3, decoded.Channels());
    }

    [Fact]
    public void A_decompression_bomb_is_refused_from_its_header()
    {
        var error = Assert.Throws<InvalidInputException>(() => ImageDecoder.Decode(TestData.DecompressionBomb(), Limits));
        Assert.Contains("50000×50000", error.Message);
    }

    [Fact]
    public void A_truncated_jpeg_is_refused() =>
        Assert.Contains("Truncated JPEG", Assert.Throws<InvalidInputException>(() => ImageDecoder.Decode(TestData.TruncatedJpeg(), Limits)).Message);

    [Fact]
    public void A_truncated_png_is_refused()
    {
        var png = TestData.Image("imageTextN.png");
        Assert.Contains("Truncated PNG", Assert.Throws<InvalidInputException>(() => ImageDecoder.Decode(png[..(png.Length / 2)], Limits)).Message);
    }

    [Fact]
    public void Zero_bytes_are_refused() =>
        Assert.Contains("empty", Assert.Throws<InvalidInputException>(() => ImageDecoder.Decode([], Limits)).Message);

    [Fact]
    public void A_text_file_is_refused() =>
        Assert.Contains("Not a supported image",
            Assert.Throws<InvalidInputException>(() => ImageDecoder.Decode(Encoding.UTF8.GetBytes("hello, not an image"), Limits)).Message);

    [Fact]
    public void A_png_with_a_valid_header_but_corrupt_data_is_refused()
    {
        Assert.Contains("could not be decoded", Assert.Throws<InvalidInputException>(() => ImageDecoder.Decode(TestData.CorruptPng(), Limits)).Message);
    }

    [Fact]
    public void Limits_are_configurable() =>
        Assert.Contains("limit", Assert.Throws<InvalidInputException>(
            () => ImageDecoder.Decode(TestData.Image("apple.jpg"), new ImageLimits { MaxPixels = 1000 })).Message);
}
