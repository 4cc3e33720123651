using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OpenCvSharp;

namespace Argus.Inference.Video;

/// <summary>
/// Reads one source on a thread of its own: opens it with OpenCV's FFmpeg backend, drops frames over the rate cap
/// before they are converted, encodes the rest as JPEG, paces files, reconnects streams, and hands frames over through
/// a channel. Every wait is on the <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
internal sealed partial class VideoReader
{
    // OpenCV's FFmpeg timeouts for network streams: they bound how long a stalled open or read holds the thread (and
    // the connection) after cancellation, and a camera silent this long is reconnected.
    private const int OpenTimeoutMs = 10_000;
    private const int ReadTimeoutMs = 5_000;

    // CAP_PROP_OPEN_TIMEOUT_MSEC and CAP_PROP_READ_TIMEOUT_MSEC, which OpenCvSharp's VideoCaptureProperties lacks.
    private static readonly int[] NetworkParameters = [53, OpenTimeoutMs, 54, ReadTimeoutMs];

    private readonly VideoSource _source;
    private readonly bool _loop;
    private readonly double? _maxFps;
    private readonly ImageEncodingParam[] _jpeg;
    private readonly TimeSpan _reconnectDelay;
    private readonly TimeSpan _maxReconnectDelay;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChannelWriter<VideoFrame> _frames;
    private readonly CancellationToken _stop;
    private readonly long _start;
    private long _index;
    private TimeSpan? _lastYielded;

    private VideoReader(
        VideoSource source, VideoSourceOptions options, TimeProvider time, ILogger logger, ChannelWriter<VideoFrame> frames, CancellationToken stop)
    {
        _source = source;
        _loop = options.Loop;
        _maxFps = options.MaxFps;
        _jpeg = [new ImageEncodingParam(ImwriteFlags.JpegQuality, options.JpegQuality)];
        _reconnectDelay = options.ReconnectDelay;
        _maxReconnectDelay = options.MaxReconnectDelay;
        _time = time;
        _logger = logger;
        _frames = frames;
        _stop = stop;
        _start = time.GetTimestamp();
    }

    /// <summary>
    /// Starts reading on a new thread until the source ends, fails or <paramref name="stop"/> is cancelled; the channel
    /// then completes, with the failure if there was one. After cancellation the thread finishes the OpenCV call it is in
    /// (a stream gives up opening after 10 s and reading after 5 s), then releases the capture and ends.
    /// </summary>
    public static ChannelReader<VideoFrame> Start(
        VideoSource source, VideoSourceOptions options, TimeProvider time, ILogger logger, CancellationToken stop)
    {
        // A file waits for its consumer; a live stream keeps only its latest frame for a consumer that fell behind.
        var channel = Channel.CreateBounded<VideoFrame>(new BoundedChannelOptions(1)
        {
            FullMode = source.IsNetwork ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
        var reader = new VideoReader(source, options, time, logger, channel.Writer, stop);
        new Thread(reader.Run) { Name = "argus-video", IsBackground = true }.Start();
        return channel.Reader;
    }

    private void Run()
    {
        try
        {
            if (_source.IsNetwork)
            {
                ReadStream();
            }
            else
            {
                ReadFile();
            }

            _frames.TryComplete();
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            _frames.TryComplete();
        }
        catch (Exception e)
        {
            _frames.TryComplete(e);
        }

        LogStopped(_logger, _source.DisplayName, _index);
    }

    private void ReadFile()
    {
        while (true)
        {
            using var capture = Open()
                ?? throw new InvalidDataException($"The file '{_source.DisplayName}' could not be opened as a video: OpenCV's FFmpeg backend does not read it.");
            var fps = VideoTiming.FileFps(capture.Fps);
            if (_index == 0)
            {
                LogOpened(_logger, _source.DisplayName, capture.FrameWidth, capture.FrameHeight, fps);
            }

            if (ReadFrames(capture, fps) == 0)
            {
                throw new InvalidDataException($"The video file '{_source.DisplayName}' has no frames.");
            }

            if (!_loop)
            {
                return;
            }

            LogLooping(_logger, _source.DisplayName, _index);
        }
    }

    private void ReadStream()
    {
        var delay = _reconnectDelay;
        var attempt = 0;
        while (true)
        {
            string failure;
            using (var capture = Open())
            {
                if (capture is null)
                {
                    failure = "could not be opened";
                }
                else
                {
                    LogOpened(_logger, _source.DisplayName, capture.FrameWidth, capture.FrameHeight, capture.Fps);
                    if (ReadFrames(capture, fps: null) > 0)
                    {
                        // It streamed: this outage backs off from the start again.
                        delay = _reconnectDelay;
                        attempt = 0;
                    }

                    failure = "stopped sending frames";
                }
            }

            attempt++;
            LogReconnecting(_logger, _source.DisplayName, failure, delay.TotalSeconds, attempt);
            Wait(delay);
            delay = VideoTiming.NextReconnectDelay(delay, _maxReconnectDelay);
        }
    }

    private VideoCapture? Open()
    {
        var capture = new VideoCapture(_source.Location, VideoCaptureAPIs.FFMPEG, _source.IsNetwork ? NetworkParameters : []);
        if (capture.IsOpened())
        {
            return capture;
        }

        capture.Dispose();
        return null;
    }

    /// <summary>
    /// Reads until the capture has no more frames (a file's end, a stream's drop) and returns how many it read.
    /// <paramref name="fps"/> is a file's rate, to pace it at; null for a stream, whose frames go out as they arrive.
    /// </summary>
    private long ReadFrames(VideoCapture capture, double? fps)
    {
        using var frame = new Mat();
        long read = 0;
        // Grab decodes; Retrieve converts to BGR, which frames over the rate cap skip.
        while (capture.Grab())
        {
            _stop.ThrowIfCancellationRequested();
            read++;
            var index = _index++;
            var due = fps is { } rate ? VideoTiming.Due(index, rate) : _time.GetElapsedTime(_start);
            var capturedAt = _time.GetUtcNow();
            if (VideoTiming.IsTooSoon(due, _lastYielded, _maxFps))
            {
                continue;
            }

            if (!capture.Retrieve(frame) || frame.Empty())
            {
                break;
            }

            var jpeg = Encode(frame);
            if (fps is not null)
            {
                // Encoded ahead of its turn, so it goes out on time.
                Wait(due - _time.GetElapsedTime(_start));
                capturedAt = _time.GetUtcNow();
            }

            _lastYielded = due;
            _frames.WriteAsync(new VideoFrame(jpeg, capturedAt.UtcDateTime, index), _stop).AsTask().GetAwaiter().GetResult();
        }

        return read;
    }

    private byte[] Encode(Mat frame)
    {
        Cv2.ImEncode(".jpg", frame, out var jpeg, _jpeg);
        return jpeg;
    }

    // Blocking is this thread's job; waiting on the TimeProvider lets a fake clock drive it.
    private void Wait(TimeSpan delay)
    {
        if (delay > TimeSpan.Zero)
        {
            Task.Delay(delay, _time, _stop).GetAwaiter().GetResult();
        }
    }
}
