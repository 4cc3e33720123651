using System.Buffers.Binary;
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

    /// <summary>A BMP header declaring <paramref name="bitsPerPixel"/> per pixel, uncompressed.</summary>
    private static byte[] BmpOfDepth(int width, int height, ushort bitsPerPixel, uint compression = 0)
    {
        var bmp = TestData.Bmp(width, height);
        BinaryPrimitives.WriteUInt16LittleEndian(bmp.AsSpan(28), bitsPerPixel);
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(30), compression);
        return bmp;
    }

    /// <summary>A real 913-byte JPEG whose frame header declares <paramref name="width"/>×<paramref name="height"/>.</summary>
    private static byte[] JpegDeclaring(int width, int height)
    {
        var jpeg = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fuzzing", "Corpus", "images", "fish.jpg"));
        var frame = jpeg.AsSpan().IndexOf((ReadOnlySpan<byte>)[0xFF, 0xC0]);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(frame + 5), (ushort)height);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(frame + 7), (ushort)width);
        return jpeg;
    }

    /// <summary>A WebP whose first chunk is <paramref name="chunk"/> with <paramref name="header"/> from byte 20.</summary>
    private static byte[] WebP(string chunk, byte[] header, uint? riffSize = null)
    {
        var webp = new byte[32];
        "RIFF"u8.CopyTo(webp);
        BinaryPrimitives.WriteUInt32LittleEndian(webp.AsSpan(4), riffSize ?? (uint)(webp.Length - 8));
        "WEBP"u8.CopyTo(webp.AsSpan(8));
        Encoding.ASCII.GetBytes(chunk).CopyTo(webp, 12);
        header.CopyTo(webp, 20);
        return webp;
    }

    public static TheoryData<string, byte[], string> AbsurdHeaders => new()
    {
        { "BMP height -2^31", TestData.Bmp(10, int.MinValue), "height of -2147483648" },
        { "BMP width -2^31", TestData.Bmp(int.MinValue, 10), "empty image" },
        { "BMP negative width", TestData.Bmp(-5, 10), "empty image" },
        { "BMP zero height", TestData.Bmp(10, 0), "empty image" },
        { "BMP 2^31-1 wide", TestData.Bmp(int.MaxValue, 1), "the limit is" },
        { "BMP of more bytes than arrived", TestData.Bmp(10, 10, uint.MaxValue), "Truncated BMP" },
        { "BMP of 6000×6000 pixels in 54 bytes", BmpOfDepth(6000, 6000, 24), "needs 108000054 bytes, 54 arrived" },
        { "PNG of 2^32-1 per side", Png(uint.MaxValue, uint.MaxValue), "the limit is" },
        { "PNG of zero width", Png(0, 10), "empty image" },
        { "PNG whose chunk declares 4 GB", Png(10, 10, chunkLength: uint.MaxValue), "declares 4294967295 bytes" },
        { "WebP of more bytes than arrived", WebP("VP8 ", new byte[12], uint.MaxValue), "Truncated WebP" },
        { "WebP extended 2^24 per side", WebP("VP8X", [0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), "the limit is" },
        { "WebP of an unknown chunk", WebP("ABCD", []), "unknown first chunk" },
        { "JPEG of zero height", [0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0, 0, 0, 10, 1, 0, 0, 0xFF, 0xD9], "empty image" },
        { "JPEG of 8000×5000 pixels in 913 bytes", JpegDeclaring(8000, 5000), "need at least 117250 bytes (a bit per 8×8 block), 913 arrived" },
        { "JPEG of sampling factors 0×0", [0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0, 10, 0, 10, 1, 1, 0, 0, 0xFF, 0xD9], "sampling factors 0×0" },
        { "RLE8 BMP of 8000×5000 pixels in 54 bytes", BmpOfDepth(8000, 5000, 8, compression: 1), "run-length encoded, needs 320054 bytes, 54 arrived" },
        { "JPEG segment longer than the file", [0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF, 0, 0], "no frame header" },
        { "JPEG with no marker after SOI", [0xFF, 0xD8, 0xFF, 0xE0, 0, 2, 0x12, 0x34, 0, 0], "bad marker" },
    };

    /// <summary>A PNG signature and IHDR (of <paramref name="chunkLength"/> declared bytes) declaring <paramref name="width"/>×<paramref name="height"/>, then IEND.</summary>
    private static byte[] Png(uint width, uint height, uint chunkLength = 13)
    {
        var png = new byte[8 + 25 + 12];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(png, 0);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(8), chunkLength);
        "IHDR"u8.CopyTo(png.AsSpan(12));
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), height);
        "IEND"u8.CopyTo(png.AsSpan(png.Length - 8));
        return png;
    }

    [Theory]
    [MemberData(nameof(AbsurdHeaders))]
    public void A_header_field_out_of_range_is_refused_with_the_reason_never_an_overflow(string what, byte[] image, string reason)
    {
        var error = Assert.Throws<InvalidInputException>(() => ImageDecoder.Decode(image, Limits));
        Assert.True(error.Message.Contains(reason, StringComparison.Ordinal), $"{what}: {error.Message}");
    }

    [Fact]
    public void Mutated_images_of_every_format_decode_or_are_refused_never_anything_else()
    {
        // Small photos, so that thousands of decodes take a second or two; the seed makes a failure repeatable. (A
        // mutated PNG once took OpenCV 15 s to refuse: its chunks' lengths are now checked first.)
        using var photo = Cv2.ImDecode(TestData.Image("baboon.jpg"), ImreadModes.Color);
        using var small = photo.Resize(new Size(48, 40));
        var originals = new[] { ".jpg", ".png", ".bmp", ".webp" }.Select(e => { Cv2.ImEncode(e, small, out var b); return b; }).ToArray();
        var random = new Random(12);
        var (decoded, refused) = (0, 0);
        for (var i = 0; i < 4000; i++)
        {
            var image = ImageMutations.Mutate(originals[i % originals.Length], random);
            try
            {
                using var mat = ImageDecoder.Decode(image, Limits);
                decoded++;
            }
            catch (InvalidInputException)
            {
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"Mutation {i} (seed 12) threw {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.True(decoded > 0 && refused > 0, $"decoded {decoded}, refused {refused}: the mutations should reach both outcomes");
    }
}
