using System.Diagnostics;
using Argus.Inference.Video;
using Argus.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpenCvSharp;
using Xunit.Abstractions;

namespace Argus.Inference.Tests.Video;

public sealed class VideoFrameSourceTests(ITestOutputHelper output)
{
    // Whole-file reads encode hundreds of frames on shared cores.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Reading_a_whole_file_yields_every_frame_as_a_jpeg_of_the_videos_size()
    {
        var video = Vtest.PlainRead();
        var watch = Stopwatch.StartNew();
        var frames = await ReadAllAsync(new VideoSourceOptions { Source = Vtest.Path }, Unpaced());
        watch.Stop();
        output.WriteLine(
            $"vtest.avi: {video.Frames} frames of {video.Size.Width}×{video.Size.Height}, {video.Fps} fps reported; a plain VideoCapture loop " +
            $"decodes {video.Frames / video.ReadTime.TotalSeconds:F0} frames/s, VideoFrameSource decodes and encodes {frames.Count / watch.Elapsed.TotalSeconds:F0} frames/s " +
            $"({frames.Average(f => f.Jpeg.Length) / 1024:F0} KiB a JPEG at quality 85).");

        Assert.Equal(Enumerable.Range(0, video.Frames).Select(i => (long)i), frames.Select(f => f.Index));
        foreach (var frame in frames)
        {
            using var image = Cv2.ImDecode(frame.Jpeg, ImreadModes.Color);
            Assert.Equal(video.Size, image.Size());
        }
    }

    [Fact]
    public async Task A_file_is_paced_at_its_frame_rate_and_a_reader_that_fell_behind_catches_up()
    {
        var fps = Vtest.PlainRead().Fps;
        var time = new WatchedTimeProvider(Timeout);
        var start = time.GetUtcNow();
        using var cancellation = new CancellationTokenSource(Timeout);
        await using var frames = VideoFrameSource.ReadAsync(new VideoSourceOptions { Source = Vtest.Path }, time, NullLogger.Instance, cancellation.Token)
            .GetAsyncEnumerator(cancellation.Token);

        var first = await frames.NextAsync(Timeout);
        Assert.Equal((0, start.UtcDateTime), (first.Index, first.CapturedAt));

        // Frame 1 waits for its turn; a second passes at once, as for a consumer that fell behind.
        await time.WaitForTimerAsync(start + VideoTiming.Due(1, fps));
        time.Advance(TimeSpan.FromSeconds(1));
        var dueWithinASecond = (int)Math.Floor(fps);
        for (var index = 1; index <= dueWithinASecond; index++)
        {
            var frame = await frames.NextAsync(Timeout);
            Assert.Equal((index, (start + TimeSpan.FromSeconds(1)).UtcDateTime), (frame.Index, frame.CapturedAt));
        }

        // Every frame due by then came at once; the next one waits for its own time.
        var nextDue = start + VideoTiming.Due(dueWithinASecond + 1, fps);
        var next = frames.MoveNextAsync();
        await time.WaitForTimerAsync(nextDue);
        Assert.False(next.IsCompleted);
        output.WriteLine($"After 1 s of fake time: {dueWithinASecond + 1} frames of a {fps} fps file; frame {dueWithinASecond + 1} is due at +{(nextDue - start).TotalSeconds} s.");

        time.Advance(nextDue - time.GetUtcNow());
        Assert.True(await next.AsTask().WaitAsync(Timeout));
        Assert.Equal((dueWithinASecond + 1, nextDue.UtcDateTime), (frames.Current.Index, frames.Current.CapturedAt));
    }

    [Fact]
    public async Task MaxFps_at_half_the_files_rate_keeps_every_other_frame()
    {
        var video = Vtest.PlainRead();

        var frames = await ReadAllAsync(new VideoSourceOptions { Source = Vtest.Path, MaxFps = video.Fps / 2 }, Unpaced());

        Assert.Equal(Enumerable.Range(0, (video.Frames + 1) / 2).Select(i => 2L * i), frames.Select(f => f.Index));
    }

    [Fact]
    public async Task Frames_the_consumer_does_not_want_are_dropped_before_they_are_handed_over()
    {
        var video = Vtest.PlainRead();
        List<DateTime> asked = [];

        // A consumer that takes one frame in three, as a camera over its share says through its pace.
        var frames = await ReadAllAsync(new VideoSourceOptions { Source = Vtest.Path, Wanted = at => { asked.Add(at); return asked.Count % 3 == 1; } }, Unpaced());

        Assert.Equal(video.Frames, asked.Count); // asked once per frame, in order of time
        Assert.Equal(asked.Order(), asked);
        Assert.Equal(Enumerable.Range(0, (video.Frames + 2) / 3).Select(i => 3L * i), frames.Select(f => f.Index));
    }

    [Fact]
    public async Task A_looped_file_starts_again_at_its_end_with_indices_going_on_until_cancelled()
    {
        var video = Vtest.PlainRead();
        var logger = new ListLogger();
        using var cancellation = new CancellationTokenSource(Timeout);
        await using var frames = VideoFrameSource.ReadAsync(new VideoSourceOptions { Source = Vtest.Path, Loop = true }, Unpaced(), logger, cancellation.Token)
            .GetAsyncEnumerator(cancellation.Token);

        var first = await frames.NextAsync(Timeout);
        VideoFrame frame;
        do
        {
            frame = await frames.NextAsync(Timeout);
        }
        while (frame.Index < video.Frames);

        // The frame after the last one is the first again, under the next index.
        Assert.Equal(video.Frames, frame.Index);
        Assert.Equal(first.Jpeg, frame.Jpeg);
        Assert.Equal(video.Frames + 1, (await frames.NextAsync(Timeout)).Index);

        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => frames.MoveNextAsync().AsTask().WaitAsync(Timeout));
        await Eventually.HoldsAsync(() => Task.FromResult(logger.Has("released")), Timeout, "the reader to release the file");
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("  ", "empty")]
    [InlineData("ftp://127.0.0.1/a.mp4", "scheme 'ftp' is not supported")]
    [InlineData("rtsp://[camera/live", "not a valid URL")]
    [InlineData("rtsp://", "names no host")]
    [InlineData("/no/such/video.avi", "'/no/such/video.avi' does not exist")]
    [InlineData("file:///no/such/video.avi", "'/no/such/video.avi' does not exist")]
    [InlineData("data:video/avi;base64,AAAA", "scheme 'data' is not supported")]
    [InlineData("concat:/a.avi|/b.avi", "scheme 'concat' is not supported")]
    [InlineData("subfile,,start,0,end,0,,:/etc/passwd", "scheme 'subfile' is not supported")]
    public void Validate_refuses_what_cannot_be_a_video_source(string source, string reason)
    {
        Assert.Contains(reason, Assert.Throws<ArgumentException>(() => VideoFrameSource.Validate(source, storage: null)).Message);
        Assert.Throws<ArgumentException>(() => VideoFrameSource.ReadAsync(new VideoSourceOptions { Source = source }, TimeProvider.System, NullLogger.Instance, default));
    }

    [Fact]
    public void Validate_accepts_files_file_urls_and_stream_urls()
    {
        VideoFrameSource.Validate(Vtest.Path, storage: null);
        VideoFrameSource.Validate(new Uri(Vtest.Path).AbsoluteUri, storage: null);
        VideoFrameSource.Validate("rtsp://admin:secret@10.0.0.5:554/live", storage: null);
        VideoFrameSource.Validate("https://cameras.example/lobby.mjpg", storage: null);
    }

    [Fact]
    public void A_stream_is_named_without_its_credentials_or_query() =>
        Assert.Equal("rtsp://10.0.0.5:554/live", VideoSource.Parse("rtsp://admin:secret@10.0.0.5:554/live?token=abc", storage: null).DisplayName);

    [Fact]
    public void Ffmpeg_errors_are_redacted_to_the_streams_name()
    {
        var source = VideoSource.Parse("rtsp://admin:secret@10.0.0.5:554/live?token=abc", storage: null);

        // ffmpeg quotes the URL as given; a lower layer may quote it in parts.
        Assert.Equal("rtsp://10.0.0.5:554/live: Connection refused", source.Redact("rtsp://admin:secret@10.0.0.5:554/live?token=abc: Connection refused"));
        Assert.Equal("[tls] tcp://10.0.0.5:554 failed", source.Redact("[tls] tcp://admin:secret@10.0.0.5:554?token=abc failed"));
    }

    [Fact]
    public void Invalid_options_are_refused_all_at_once()
    {
        var options = new VideoSourceOptions { Source = Vtest.Path, JpegQuality = 101, MaxFps = 0, ReconnectDelay = TimeSpan.Zero, MaxReconnectDelay = TimeSpan.FromSeconds(-1) };

        var error = Assert.Throws<ArgumentException>(() => VideoFrameSource.ReadAsync(options, TimeProvider.System, NullLogger.Instance, default));

        Assert.All(["JpegQuality", "MaxFps", "ReconnectDelay", "MaxReconnectDelay"], name => Assert.Contains(name, error.Message));
    }

    [Fact]
    public async Task A_file_that_is_not_a_video_fails_the_enumeration_with_its_path()
    {
        var folder = Directory.CreateTempSubdirectory("argus-video-");
        try
        {
            var path = Path.Combine(folder.FullName, "notes.avi");
            await File.WriteAllTextAsync(path, "hello, not a video");

            var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(new VideoSourceOptions { Source = path }, TimeProvider.System));

            Assert.Contains($"'{path}' could not be opened as a video", error.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<List<VideoFrame>> ReadAllAsync(VideoSourceOptions options, TimeProvider time)
    {
        using var cancellation = new CancellationTokenSource(Timeout);
        var frames = new List<VideoFrame>();
        await foreach (var frame in VideoFrameSource.ReadAsync(options, time, NullLogger.Instance, cancellation.Token))
        {
            frames.Add(frame);
        }

        return frames;
    }

    // A clock that jumps a second at every reading: every frame is already late, so a file is read as fast as it decodes.
    private static FakeTimeProvider Unpaced() => new() { AutoAdvanceAmount = TimeSpan.FromSeconds(1) };
}
