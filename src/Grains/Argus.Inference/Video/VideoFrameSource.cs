using System.Runtime.CompilerServices;
using Argus.Inference.Storage;
using Microsoft.Extensions.Logging;

namespace Argus.Inference.Video;

/// <summary>
/// Video files and network streams as JPEG frames: files read with OpenCV's <c>VideoCapture</c> (FFmpeg backend),
/// rtsp://, rtsps:// and http(s):// sources with a Debian <c>ffmpeg</c> child process each.
/// </summary>
public static class VideoFrameSource
{
    /// <summary>
    /// Reads frames as JPEGs. A file is read with OpenCV's VideoCapture on a dedicated thread, encoded with OpenCV, and
    /// yielded paced at its real frame rate (CAP_PROP_FPS; 25 when it reports none); it ends at its end (or loops). A
    /// network source is read by an ffmpeg child process that decodes it and writes JPEGs to its stdout; they are
    /// yielded as they arrive, and a consumer that falls behind gets the latest. When ffmpeg exits (the stream's end, a
    /// network error, 5 s without data) another is started after an exponential back-off, forever, until cancelled, each
    /// retry logged at Warning. Cancellation, or leaving the enumeration early, ends it once the source is released: the
    /// file closed after the frame in hand, or ffmpeg killed (with its process tree) and reaped. <see cref="VideoFrame.CapturedAt"/>
    /// is the time the frame was read, from <paramref name="time"/>.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The source is not a video source, or a network source without ffmpeg on PATH (see <see cref="Validate"/>), or the
    /// options are invalid.
    /// </exception>
    /// <exception cref="InvalidDataException">
    /// From the enumeration: a file that OpenCV cannot open as a video, or that has no frames; ffmpeg output that is not
    /// back-to-back JPEGs.
    /// </exception>
    /// <exception cref="InvalidOperationException">From the enumeration: ffmpeg could not be started.</exception>
    public static IAsyncEnumerable<VideoFrame> ReadAsync(
        VideoSourceOptions options, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        var source = VideoSource.Parse(options.Source, options.Storage);
        var ffmpeg = source.IsNetwork ? LocateFfmpeg(source) : null;
        var failures = options.Validate().ToList();
        if (failures.Count > 0)
        {
            throw new ArgumentException($"Invalid video source options for {source.DisplayName}: {string.Join(" ", failures)}", nameof(options));
        }

        return ReadCoreAsync(source, ffmpeg, options, time, logger, cancellationToken);
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> with a clear message when <paramref name="source"/> can't be a video
    /// source here: empty, not a URL, an unknown scheme, a file that doesn't exist, or a network source when there is no
    /// ffmpeg on PATH, or (with <paramref name="storage"/>) a file outside the camera roots. Opens nothing.
    /// </summary>
    /// <param name="source">The source as given.</param>
    /// <param name="storage">The roots a file must lie in (<see cref="StorageOptions.Cameras"/>); null: any file.</param>
    public static void Validate(string source, StorageOptions? storage)
    {
        var parsed = VideoSource.Parse(source, storage);
        if (parsed.IsNetwork)
        {
            LocateFfmpeg(parsed);
        }
    }

    private static string LocateFfmpeg(VideoSource source) => FfmpegCommand.Locate(source, Environment.GetEnvironmentVariable("PATH"));

    private static async IAsyncEnumerable<VideoFrame> ReadCoreAsync(
        VideoSource source, string? ffmpeg, VideoSourceOptions options, TimeProvider time, ILogger logger,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var (frames, released) = ffmpeg is null
            ? VideoFileReader.Start(source, options, time, logger, stop.Token)
            : VideoStreamReader.Start(source, ffmpeg, options, time, logger, stop.Token);
        try
        {
            await foreach (var frame in frames.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                // A frame already handed over is not yielded once cancelled.
                cancellationToken.ThrowIfCancellationRequested();
                yield return frame;
            }

            // The reader also stops on cancellation and completes the channel: that is not the file's end.
            cancellationToken.ThrowIfCancellationRequested();
        }
        finally
        {
            // Stops the reader when the consumer leaves early, too, and ends only once it let go of the source, so no
            // ffmpeg outlives the enumeration.
            stop.Cancel();
            await released.ConfigureAwait(false);
        }
    }
}
