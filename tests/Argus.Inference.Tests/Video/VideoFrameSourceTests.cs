using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Argus.Inference.Video;
using Argus.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpenCvSharp;
using Xunit.Abstractions;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Argus.Inference.Tests.Video;

public sealed class VideoFrameSourceTests(ITestOutputHelper output)
{
    // Debian's opencv-doc: a real pedestrian scene.
    private static readonly string Vtest = Path.Combine(TestData.ImagesDir, "vtest.avi");

    // Whole-file reads encode hundreds of frames on shared cores.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Reading_a_whole_file_yields_every_frame_as_a_jpeg_of_the_videos_size()
    {
        var video = PlainRead();
        var watch = Stopwatch.StartNew();
        var frames = await ReadAllAsync(new VideoSourceOptions { Source = Vtest }, Unpaced());
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
        var fps = PlainRead().Fps;
        var time = new WatchedTimeProvider();
        var start = time.GetUtcNow();
        using var cancellation = new CancellationTokenSource(Timeout);
        await using var frames = VideoFrameSource.ReadAsync(new VideoSourceOptions { Source = Vtest }, time, NullLogger.Instance, cancellation.Token)
            .GetAsyncEnumerator(cancellation.Token);

        var first = await NextAsync(frames);
        Assert.Equal((0, start.UtcDateTime), (first.Index, first.CapturedAt));

        // Frame 1 waits for its turn; a second passes at once, as for a consumer that fell behind.
        await time.WaitForTimerAsync(start + VideoTiming.Due(1, fps));
        time.Advance(TimeSpan.FromSeconds(1));
        var dueWithinASecond = (int)Math.Floor(fps);
        for (var index = 1; index <= dueWithinASecond; index++)
        {
            var frame = await NextAsync(frames);
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
        var video = PlainRead();

        var frames = await ReadAllAsync(new VideoSourceOptions { Source = Vtest, MaxFps = video.Fps / 2 }, Unpaced());

        Assert.Equal(Enumerable.Range(0, (video.Frames + 1) / 2).Select(i => 2L * i), frames.Select(f => f.Index));
    }

    [Fact]
    public async Task A_looped_file_starts_again_at_its_end_with_indices_going_on_until_cancelled()
    {
        var video = PlainRead();
        var logger = new ListLogger();
        using var cancellation = new CancellationTokenSource(Timeout);
        await using var frames = VideoFrameSource.ReadAsync(new VideoSourceOptions { Source = Vtest, Loop = true }, Unpaced(), logger, cancellation.Token)
            .GetAsyncEnumerator(cancellation.Token);

        var first = await NextAsync(frames);
        VideoFrame frame;
        do
        {
            frame = await NextAsync(frames);
        }
        while (frame.Index < video.Frames);

        // The frame after the last one is the first again, under the next index.
        Assert.Equal(video.Frames, frame.Index);
        Assert.Equal(first.Jpeg, frame.Jpeg);
        Assert.Equal(video.Frames + 1, (await NextAsync(frames)).Index);

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
    public void Validate_refuses_what_cannot_be_a_video_source(string source, string reason)
    {
        Assert.Contains(reason, Assert.Throws<ArgumentException>(() => VideoFrameSource.Validate(source)).Message);
        Assert.Throws<ArgumentException>(() => VideoFrameSource.ReadAsync(new VideoSourceOptions { Source = source }, TimeProvider.System, NullLogger.Instance, default));
    }

    [Fact]
    public void Validate_accepts_files_file_urls_and_stream_urls()
    {
        VideoFrameSource.Validate(Vtest);
        VideoFrameSource.Validate(new Uri(Vtest).AbsoluteUri);
        VideoFrameSource.Validate("rtsp://admin:secret@10.0.0.5:554/live");
        VideoFrameSource.Validate("https://cameras.example/lobby.mjpg");
    }

    [Fact]
    public void A_stream_is_named_without_its_credentials_or_query() =>
        Assert.Equal("rtsp://10.0.0.5:554/live", VideoSource.Parse("rtsp://admin:secret@10.0.0.5:554/live?token=abc").DisplayName);

    [Fact]
    public void Invalid_options_are_refused_all_at_once()
    {
        var options = new VideoSourceOptions { Source = Vtest, JpegQuality = 101, MaxFps = 0, ReconnectDelay = TimeSpan.Zero, MaxReconnectDelay = TimeSpan.FromSeconds(-1) };

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

    [Fact]
    public async Task A_stream_nobody_serves_is_retried_with_doubling_delays_until_cancelled()
    {
        var source = $"rtsp://127.0.0.1:{FreeLoopbackPort()}/x";
        var time = new WatchedTimeProvider();
        var logger = new ListLogger();
        var options = new VideoSourceOptions { Source = source, ReconnectDelay = TimeSpan.FromMilliseconds(500), MaxReconnectDelay = TimeSpan.FromSeconds(2) };
        using var cancellation = new CancellationTokenSource(Timeout);
        await using var frames = VideoFrameSource.ReadAsync(options, time, logger, cancellation.Token).GetAsyncEnumerator(cancellation.Token);

        var next = frames.MoveNextAsync();
        double[] delays = [0.5, 1, 2, 2, 2];
        foreach (var delay in delays)
        {
            // The reader waits exactly this long on the clock before its next attempt.
            await time.WaitForTimerAsync(time.GetUtcNow() + TimeSpan.FromSeconds(delay));
            time.Advance(TimeSpan.FromSeconds(delay));
        }

        await time.WaitForTimerAsync(time.GetUtcNow() + options.MaxReconnectDelay);
        Assert.False(next.IsCompleted);
        var retries = logger.Entries.Where(e => e.Level == LogLevel.Warning).ToList();
        Assert.Equal([.. delays, 2], retries.Select(e => (double)e["DelaySeconds"]!));
        Assert.Equal(Enumerable.Range(1, delays.Length + 1), retries.Select(e => (int)e["Attempt"]!));
        Assert.All(retries, e => Assert.Contains($"{source} could not be opened", e.Message));

        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.AsTask().WaitAsync(Timeout));
        await Eventually.HoldsAsync(() => Task.FromResult(logger.Has("released")), Timeout, "the reader to stop retrying");
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

    private static async Task<VideoFrame> NextAsync(IAsyncEnumerator<VideoFrame> frames)
    {
        Assert.True(await frames.MoveNextAsync().AsTask().WaitAsync(Timeout));
        return frames.Current;
    }

    // A clock that jumps a second at every reading: every frame is already late, so a file is read as fast as it decodes.
    private static FakeTimeProvider Unpaced() => new() { AutoAdvanceAmount = TimeSpan.FromSeconds(1) };

    // The video as a plain VideoCapture loop sees it: frames until Read gives an empty Mat (FrameCount is not trusted).
    private static (int Frames, Size Size, double Fps, TimeSpan ReadTime) PlainRead()
    {
        using var capture = new VideoCapture(Vtest, VideoCaptureAPIs.FFMPEG);
        Assert.True(capture.IsOpened(), $"{Vtest} does not open: run scripts/install-deps.sh --test-data, which installs Debian's opencv-doc.");
        using var frame = new Mat();
        var size = default(Size);
        var frames = 0;
        var watch = Stopwatch.StartNew();
        while (capture.Read(frame) && !frame.Empty())
        {
            size = frame.Size();
            frames++;
        }

        return (frames, size, capture.Fps, watch.Elapsed);
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A fake clock that remembers when each timer it armed is due, so a test advances only once a wait has begun.</summary>
    private sealed class WatchedTimeProvider : FakeTimeProvider
    {
        private readonly ConcurrentBag<DateTimeOffset> _armed = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var now = GetUtcNow();
            var timer = base.CreateTimer(callback, state, dueTime, period);
            _armed.Add(now + dueTime);
            return timer;
        }

        public Task WaitForTimerAsync(DateTimeOffset due) =>
            Eventually.HoldsAsync(() => Task.FromResult(_armed.Contains(due)), Timeout, $"a timer due at {due:HH:mm:ss.fff}");
    }

    private sealed record LogEntry(LogLevel Level, string Message, IReadOnlyList<KeyValuePair<string, object?>> State)
    {
        public object? this[string name] => State.Single(p => p.Key == name).Value;
    }

    private sealed class ListLogger : ILogger
    {
        private readonly ConcurrentQueue<LogEntry> _entries = new();

        public IReadOnlyList<LogEntry> Entries => [.. _entries];

        public bool Has(string text) => _entries.Any(e => e.Message.Contains(text, StringComparison.Ordinal));

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _entries.Enqueue(new LogEntry(logLevel, formatter(state, exception), state as IReadOnlyList<KeyValuePair<string, object?>> ?? []));
    }
}
