using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Argus.Inference.Video;
using Argus.Testing;
using OpenCvSharp;
using Xunit.Abstractions;

namespace Argus.Inference.Tests.Video;

/// <summary>
/// Network sources through Debian's ffmpeg, against vtest.avi served over HTTP on loopback from inside the test. There is
/// no RTSP server here: rtsp:// differs only in ffmpeg's -rtsp_transport tcp, and is tested against a port nobody serves.
/// </summary>
public sealed class VideoStreamTests(ITestOutputHelper output)
{
    // ffmpeg decodes and encodes the whole of vtest.avi in about 3 s on shared cores; this is for a slow machine.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_video_served_over_http_arrives_whole_as_jpegs_of_its_size_with_increasing_indices()
    {
        var video = Vtest.PlainRead();
        await using var server = new VideoHttpServer(Vtest.Path);
        var logger = new ListLogger();
        using var cancellation = new CancellationTokenSource(Timeout);
        var watch = Stopwatch.StartNew();
        var frames = new List<VideoFrame>();
        TimeSpan firstFrame, ended;
        await using (var reading = Read(server.Url, logger, cancellation.Token))
        {
            frames.Add(await reading.NextAsync(Timeout));
            firstFrame = watch.Elapsed;
            while (frames.Count < 20)
            {
                frames.Add(await reading.NextAsync(Timeout));
            }

            // ffmpeg reads the file to its end and exits; the reader says how many JPEGs it cut from its output.
            await Eventually.HoldsAsync(() => Task.FromResult(logger.Warnings.Count > 0), Timeout, "the first ffmpeg to reach the file's end");
            ended = watch.Elapsed;
        }

        Assert.All(frames.Zip(frames.Skip(1)), pair => Assert.True(pair.First.Index < pair.Second.Index));
        foreach (var frame in frames)
        {
            using var image = Cv2.ImDecode(frame.Jpeg, ImreadModes.Color);
            Assert.Equal(video.Size, image.Size());
        }

        var end = logger.Warnings[0];
        Assert.Contains($"{server.Url} ended after {video.Frames} frames (ffmpeg ", end.Message);
        Assert.Contains(" exited with code 0)", end.Message);
        AssertNoFfmpegLeft(logger);
        output.WriteLine(
            $"First frame {firstFrame.TotalMilliseconds:F0} ms after the first read; all {video.Frames} frames of {video.Size.Width}×{video.Size.Height} " +
            $"cut from ffmpeg's output after {ended.TotalSeconds:F1} s ({video.Frames / ended.TotalSeconds:F0} frames/s), " +
            $"{frames.Average(f => f.Jpeg.Length) / 1024:F0} KiB a JPEG at -q:v {FfmpegCommand.QScale(85)}; the consumer saw indices {string.Join(",", frames.Select(f => f.Index))}.");
    }

    [Fact]
    public async Task MaxFps_at_half_a_streams_rate_passes_every_other_frame()
    {
        var video = Vtest.PlainRead();
        await using var server = new VideoHttpServer(Vtest.Path);
        var logger = new ListLogger();
        using var cancellation = new CancellationTokenSource(Timeout);
        await using (var reading = Read(server.Url, logger, cancellation.Token, new VideoSourceOptions { MaxFps = video.Fps / 2 }))
        {
            await reading.NextAsync(Timeout);
            await Eventually.HoldsAsync(() => Task.FromResult(logger.Warnings.Count > 0), Timeout, "the first ffmpeg to reach the file's end");
        }

        Assert.Contains($"ended after {(video.Frames + 1) / 2} frames", logger.Warnings[0].Message);
        AssertNoFfmpegLeft(logger);
    }

    [Fact]
    public async Task A_stream_whose_server_stops_is_retried_with_back_off_and_flows_again_when_it_is_back()
    {
        await using var server = new VideoHttpServer(Vtest.Path);
        var logger = new ListLogger();
        using var cancellation = new CancellationTokenSource(Timeout);
        var options = new VideoSourceOptions { ReconnectDelay = TimeSpan.FromMilliseconds(100), MaxReconnectDelay = TimeSpan.FromMilliseconds(400) };
        await using var reading = Read(server.Url, logger, cancellation.Token, options);
        await reading.NextAsync(Timeout);

        // The cut connection ends the first ffmpeg; the next ones are refused while the server is down, backing off.
        await server.StopAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(logger.Warnings.Count >= 4), Timeout, "four failed attempts");
        var outage = logger.Warnings.Take(4).ToList();
        Assert.Equal([0.1, 0.2, 0.4, 0.4], outage.Select(e => (double)e["DelaySeconds"]!));
        Assert.Equal([1, 2, 3, 4], outage.Select(e => (int)e["Attempt"]!));
        Assert.Contains(" ended after ", outage[0].Message);
        Assert.All(outage.Skip(1), e => Assert.Contains($"{server.Url} sent no frames (ffmpeg ", e.Message));
        Assert.All(outage.Skip(1), e => Assert.Contains("Connection refused", e.Message));

        // Back on the same port: frames read after the restart flow again.
        server.Start();
        var restarted = DateTime.UtcNow;
        VideoFrame frame;
        do
        {
            frame = await reading.NextAsync(Timeout);
        }
        while (frame.CapturedAt < restarted);

        Assert.Equal(2, logger.Entries.Count(e => e.Message.Contains("streaming from ffmpeg", StringComparison.Ordinal)));
        Assert.Equal(2, server.Requests);

        // It streamed again, so the next outage backs off from the first delay.
        var before = logger.Warnings.Count;
        await server.StopAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(logger.Warnings.Count > before), Timeout, "the second stream to end");
        var next = logger.Warnings[before];
        Assert.Equal((0.1, 1), ((double)next["DelaySeconds"]!, (int)next["Attempt"]!));
        Assert.Contains(" ended after ", next.Message);
        output.WriteLine(string.Join(Environment.NewLine, logger.Warnings.Select(e => e.Message)));
    }

    [Fact]
    public async Task Leaving_a_stream_early_or_cancelling_it_leaves_no_ffmpeg_running()
    {
        await using var server = new VideoHttpServer(Vtest.Path);

        // The consumer stops after two frames: disposing the enumerator kills ffmpeg mid-stream.
        var early = new ListLogger();
        var read = 0;
        await foreach (var _ in VideoFrameSource.ReadAsync(new VideoSourceOptions { Source = server.Url }, TimeProvider.System, early, default))
        {
            if (++read == 2)
            {
                break;
            }
        }

        AssertNoFfmpegLeft(early);

        // Cancelled while ffmpeg is still connecting, to a server that accepts and never answers.
        using var silent = new SilentServer();
        var cancelled = new ListLogger();
        using var cancellation = new CancellationTokenSource(Timeout);
        await using var reading = Read(silent.Url, cancelled, cancellation.Token);
        var next = reading.MoveNextAsync().AsTask();
        await Eventually.HoldsAsync(() => Task.FromResult(silent.Accepted > 0), Timeout, "ffmpeg to connect");
        var watch = Stopwatch.StartNew();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(Timeout));
        watch.Stop();
        AssertNoFfmpegLeft(cancelled);
        output.WriteLine($"Cancelled while connecting: the enumeration ended {watch.Elapsed.TotalMilliseconds:F0} ms later, ffmpeg killed and reaped.");
    }

    [Fact]
    public async Task A_server_that_never_answers_is_given_up_on_after_ffmpegs_stall_timeout()
    {
        using var silent = new SilentServer();
        var logger = new ListLogger();
        using var cancellation = new CancellationTokenSource(Timeout);
        await using var reading = Read(silent.Url, logger, cancellation.Token);
        var watch = Stopwatch.StartNew();
        var next = reading.MoveNextAsync();

        await Eventually.HoldsAsync(() => Task.FromResult(logger.Warnings.Count > 0), Timeout, "ffmpeg to give up");
        watch.Stop();

        Assert.False(next.IsCompleted);
        Assert.Contains($"{silent.Url} sent no frames (ffmpeg ", logger.Warnings[0].Message);
        Assert.Contains("Connection timed out", logger.Warnings[0].Message);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(5), Timeout);
        output.WriteLine($"A silent server was given up on after {watch.Elapsed.TotalSeconds:F1} s: {logger.Warnings[0].Message}");

        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.AsTask().WaitAsync(Timeout));
        AssertNoFfmpegLeft(logger);
    }

    [Fact]
    public async Task An_rtsp_stream_nobody_serves_is_retried_with_doubling_delays_until_cancelled_and_its_secrets_stay_out_of_logs()
    {
        var port = SiloProcess.FreePort();
        var source = $"rtsp://admin:secret@127.0.0.1:{port}/live?token=abc";
        var time = new WatchedTimeProvider(Timeout);
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
        var retries = logger.Warnings;
        Assert.Equal([.. delays, 2], retries.Select(e => (double)e["DelaySeconds"]!));
        Assert.Equal(Enumerable.Range(1, delays.Length + 1), retries.Select(e => (int)e["Attempt"]!));
        // ffmpeg took the rtsp arguments and got as far as the refused connection, which it reports with the URL.
        Assert.All(retries, e => Assert.Contains($"rtsp://127.0.0.1:{port}/live sent no frames (ffmpeg ", e.Message));
        Assert.All(retries, e => Assert.Contains($"rtsp://127.0.0.1:{port}/live: Connection refused", e.Message));
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("secret", StringComparison.Ordinal) || e.Message.Contains("token", StringComparison.Ordinal));

        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.AsTask().WaitAsync(Timeout));
        Assert.True(logger.Has("released"));
        AssertNoFfmpegLeft(logger);
    }

    private static IAsyncEnumerator<VideoFrame> Read(string url, ListLogger logger, CancellationToken cancellationToken, VideoSourceOptions? options = null)
    {
        options ??= new VideoSourceOptions();
        options.Source = url;
        return VideoFrameSource.ReadAsync(options, TimeProvider.System, logger, cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    /// <summary>
    /// Every ffmpeg the reader started is gone, not even a zombie: the enumeration ends only once they are killed and
    /// reaped, so this is checked at once, without waiting.
    /// </summary>
    private static void AssertNoFfmpegLeft(ListLogger logger)
    {
        var pids = logger.Entries.Where(e => e.Message.EndsWith(" started", StringComparison.Ordinal)).Select(e => (int)e["Pid"]!).ToList();
        Assert.NotEmpty(pids);
        Assert.All(pids, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"ffmpeg {pid} is still there"));
    }

    /// <summary>A loopback TCP server that accepts connections and never sends a byte, as a hung camera would.</summary>
    private sealed class SilentServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Socket> _accepted = [];
        private readonly Task _accepting;

        public SilentServer()
        {
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/live.mjpg";

        public int Accepted
        {
            get
            {
                lock (_accepted)
                {
                    return _accepted.Count;
                }
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            lock (_accepted)
            {
                _accepted.ForEach(s => s.Dispose());
            }

            _accepting.Wait(Timeout);
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync();
                    lock (_accepted)
                    {
                        _accepted.Add(socket);
                    }
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }
    }
}
