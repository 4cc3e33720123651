using Argus.Inference.Video;
using Argus.Testing;
using OpenCvSharp;

namespace Argus.Inference.Tests.Video;

public sealed class JpegStreamSplitterTests
{
    // Real photos from opencv-doc that a split at the first FF D9 cuts short: an EXIF thumbnail (a whole JPEG) in APP1
    // (aloeL), a progressive JPEG with a thumbnail (ela_modified), restart intervals with two thumbnails (ellipses).
    private static readonly string[] WithThumbnails = ["aloeL.jpg", "ela_modified.jpg", "ellipses.jpg"];

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    public async Task Back_to_back_jpegs_come_out_whole_however_the_bytes_arrive(int chunk)
    {
        var tricky = WithThumbnails.Select(TestData.Image).ToList();
        Assert.All(tricky, jpeg => Assert.True(jpeg.AsSpan().IndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]) < jpeg.Length - 2, "each holds an FF D9 before its end"));
        List<byte[]> jpegs = [.. tricky, TestData.Image("apple.jpg")];

        var frames = await SplitAsync([.. jpegs.SelectMany(j => j)], chunk);

        Assert.Equal(jpegs, frames);
        foreach (var frame in frames)
        {
            using var image = Cv2.ImDecode(frame, ImreadModes.Color);
            Assert.False(image.Empty());
        }
    }

    [Fact]
    public async Task Bytes_before_a_jpeg_are_skipped_and_one_cut_short_at_the_end_is_dropped()
    {
        var apple = TestData.Image("apple.jpg");
        byte[] stream = [0x00, 0xFF, 0x12, 0xFF, .. apple, .. apple[..1000]];

        Assert.Equal([apple], await SplitAsync(stream, chunk: 3));
    }

    [Fact]
    public async Task Bytes_that_are_not_a_jpeg_stream_are_refused()
    {
        var apple = TestData.Image("apple.jpg");
        // After APP0 (2 + 2 + 16 bytes) comes the next marker: here a byte that is none.
        var broken = apple.ToArray();
        broken[20] = 0x12;

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => SplitAsync(broken, chunk: 4096));

        Assert.Contains("byte 20 of a frame is 0x12 where a marker must start", error.Message);
    }

    private static async Task<List<byte[]>> SplitAsync(byte[] stream, int chunk)
    {
        var splitter = new JpegStreamSplitter(new ChunkedStream(stream, chunk));
        var frames = new List<byte[]>();
        while (await splitter.ReadAsync(CancellationToken.None) is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }
}
