using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Argus.Inference.Video;

/// <summary>
/// Reads one network source through Debian's ffmpeg, one child process at a time: cuts its stdout into JPEGs and hands
/// them over through a channel that keeps only the latest for a consumer that fell behind. When the process ends (the
/// stream's end, a network error, a stall past ffmpeg's timeout), it starts another after a back-off that doubles up to
/// the maximum and starts again from the first delay once frames have flowed. Waits are on the <see cref="TimeProvider"/>.
/// </summary>
internal sealed partial class VideoStreamReader
{
    private readonly VideoSource _source;
    private readonly string _ffmpeg;
    private readonly IReadOnlyList<string> _arguments;
    private readonly TimeSpan _reconnectDelay;
    private readonly TimeSpan _maxReconnectDelay;
    private readonly Func<DateTime, bool>? _wanted;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChannelWriter<VideoFrame> _frames;
    private readonly CancellationToken _stop;
    private long _index;

    private VideoStreamReader(
        VideoSource source, string ffmpeg, VideoSourceOptions options, TimeProvider time, ILogger logger, ChannelWriter<VideoFrame> frames, CancellationToken stop)
    {
        _source = source;
        _ffmpeg = ffmpeg;
        _arguments = FfmpegCommand.Arguments(source, options);
        _reconnectDelay = options.ReconnectDelay;
        _wanted = options.Wanted;
        _maxReconnectDelay = options.MaxReconnectDelay;
        _time = time;
        _logger = logger;
        _frames = frames;
        _stop = stop;
    }

    /// <summary>
    /// Starts reading until <paramref name="stop"/> is cancelled, or ffmpeg can't be started or its output is not JPEGs
    /// (the channel then completes with the failure). <c>Released</c> completes once the last ffmpeg has been killed and
    /// reaped; it never fails.
    /// </summary>
    public static (ChannelReader<VideoFrame> Frames, Task Released) Start(
        VideoSource source, string ffmpeg, VideoSourceOptions options, TimeProvider time, ILogger logger, CancellationToken stop)
    {
        var channel = Channel.CreateBounded<VideoFrame>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        });
        var reader = new VideoStreamReader(source, ffmpeg, options, time, logger, channel.Writer, stop);
        return (channel.Reader, Task.Run(reader.RunAsync, CancellationToken.None));
    }

    private async Task RunAsync()
    {
        try
        {
            await ReadAsync().ConfigureAwait(false);
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

    /// <summary>Runs ffmpeg after ffmpeg, until cancelled.</summary>
    private async Task ReadAsync()
    {
        var delay = _reconnectDelay;
        var attempt = 0;
        while (true)
        {
            string failure;
            var ffmpeg = FfmpegProcess.Start(_ffmpeg, _arguments);
            await using (ffmpeg.ConfigureAwait(false))
            {
                LogStarted(_logger, _source.DisplayName, ffmpeg.Id);
                var read = await ReadFramesAsync(ffmpeg).ConfigureAwait(false);
                if (read > 0)
                {
                    // It streamed: this outage backs off from the start again.
                    delay = _reconnectDelay;
                    attempt = 0;
                }

                var exit = _source.Redact(await ffmpeg.WaitForExitAsync(_stop).ConfigureAwait(false));
                failure = read > 0 ? $"ended after {read} frames ({exit})" : $"sent no frames ({exit})";
            }

            attempt++;
            LogReconnecting(_logger, _source.DisplayName, failure, delay.TotalSeconds, attempt);
            await Task.Delay(delay, _time, _stop).ConfigureAwait(false);
            delay = VideoTiming.NextReconnectDelay(delay, _maxReconnectDelay);
        }
    }

    /// <summary>Hands over ffmpeg's JPEGs until its output ends, and returns how many there were.</summary>
    private async Task<long> ReadFramesAsync(FfmpegProcess ffmpeg)
    {
        var jpegs = new JpegStreamSplitter(ffmpeg.Output);
        long read = 0;
        while (await jpegs.ReadAsync(_stop).ConfigureAwait(false) is { } jpeg)
        {
            if (read++ == 0)
            {
                LogStreaming(_logger, _source.DisplayName, ffmpeg.Id);
            }

            // Never waits: a full channel drops its older frame.
            var at = _time.GetUtcNow().UtcDateTime;
            var index = _index++;
            if (_wanted?.Invoke(at) != false)
            {
                _frames.TryWrite(new VideoFrame(jpeg, at, index));
            }
        }

        return read;
    }
}
