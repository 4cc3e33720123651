using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OpenCvSharp;

namespace Argus.Inference.Video;

/// <summary>
/// Reads one video file on a thread of its own: opens it with OpenCV's FFmpeg backend, drops frames over the rate cap
/// or not wanted (<see cref="VideoSourceOptions.Wanted"/>) before they are converted, encodes the rest as JPEG, paces them, and hands them over through a channel. Every wait
/// is on the <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
internal sealed partial class VideoFileReader
{
    private readonly VideoSource _source;
    private readonly bool _loop;
    private readonly double? _maxFps;
    private readonly Func<DateTime, bool>? _wanted;
    private readonly ImageEncodingParam[] _jpeg;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChannelWriter<VideoFrame> _frames;
    private readonly CancellationToken _stop;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _start;
    private long _index;
    private TimeSpan? _lastYielded;

    private VideoFileReader(
        VideoSource source, VideoSourceOptions options, TimeProvider time, ILogger logger, ChannelWriter<VideoFrame> frames, CancellationToken stop)
    {
        _source = source;
        _loop = options.Loop;
        _maxFps = options.MaxFps;
        _wanted = options.Wanted;
        _jpeg = [new ImageEncodingParam(ImwriteFlags.JpegQuality, options.JpegQuality)];
        _time = time;
        _logger = logger;
        _frames = frames;
        _stop = stop;
        _start = time.GetTimestamp();
    }

    /// <summary>
    /// Starts reading on a new thread until the file ends, fails or <paramref name="stop"/> is cancelled; the channel
    /// then completes, with the failure if there was one. After cancellation the thread finishes the OpenCV call it is in
    /// (one frame's decoding or encoding), then releases the capture, and <c>Released</c> completes; it never fails.
    /// </summary>
    public static (ChannelReader<VideoFrame> Frames, Task Released) Start(
        VideoSource source, VideoSourceOptions options, TimeProvider time, ILogger logger, CancellationToken stop)
    {
        // A file waits for its consumer.
        var channel = Channel.CreateBounded<VideoFrame>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var reader = new VideoFileReader(source, options, time, logger, channel.Writer, stop);
        new Thread(reader.Run) { Name = "argus-video", IsBackground = true }.Start();
        return (channel.Reader, reader._released.Task);
    }

    private void Run()
    {
        try
        {
            ReadFile();
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
        _released.SetResult();
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

    private VideoCapture? Open() => VideoSampler.TryOpen(_source.Location);

    /// <summary>Reads until the capture has no more frames, paced at <paramref name="fps"/>, and returns how many it read.</summary>
    private long ReadFrames(VideoCapture capture, double fps)
    {
        using var frame = new Mat();
        long read = 0;
        // Grab decodes; Retrieve converts to BGR, which frames over the rate cap skip.
        while (capture.Grab())
        {
            _stop.ThrowIfCancellationRequested();
            read++;
            var index = _index++;
            var due = VideoTiming.Due(index, fps);
            if (VideoTiming.IsTooSoon(due, _lastYielded, _maxFps) || _wanted?.Invoke(HandOverTime(due)) == false)
            {
                continue;
            }

            if (!capture.Retrieve(frame) || frame.Empty())
            {
                break;
            }

            // Encoded ahead of its turn, so it goes out on time.
            var jpeg = Encode(frame);
            Wait(due - _time.GetElapsedTime(_start));
            _lastYielded = due;
            _frames.WriteAsync(new VideoFrame(jpeg, _time.GetUtcNow().UtcDateTime, index), _stop).AsTask().GetAwaiter().GetResult();
        }

        return read;
    }

    /// <summary>When a frame due at <paramref name="due"/> will be handed over: then, or now for one that is late.</summary>
    private DateTime HandOverTime(TimeSpan due)
    {
        var wait = due - _time.GetElapsedTime(_start);
        var now = _time.GetUtcNow().UtcDateTime;
        return wait > TimeSpan.Zero ? now + wait : now;
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
