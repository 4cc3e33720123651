using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Argus.Inference.Video;

/// <summary>Video files and camera streams as JPEG frames, read with OpenCV's <c>VideoCapture</c> (FFmpeg backend).</summary>
public static class VideoFrameSource
{
    /// <summary>
    /// Reads frames with OpenCV's VideoCapture (FFmpeg backend), encodes each as JPEG, and yields them paced at the
    /// source's real frame rate for files (CAP_PROP_FPS; 25 when it reports none); network streams are yielded as they
    /// arrive, and a consumer that falls behind a stream gets its latest frame. Files end at their end (or loop); network
    /// sources reconnect with exponential back-off, forever, until cancelled, logging each retry at Warning. Reading and
    /// decoding run on a dedicated thread, never on the thread pool; cancellation ends the enumeration at once with an
    /// <see cref="OperationCanceledException"/>, and the thread releases the capture as soon as its current OpenCV call
    /// returns. <see cref="VideoFrame.CapturedAt"/> is the time the frame was read, from <paramref name="time"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The source is not a video source (see <see cref="Validate"/>), or the options are invalid.</exception>
    /// <exception cref="InvalidDataException">From the enumeration: a file that OpenCV cannot open as a video, or that has no frames.</exception>
    public static IAsyncEnumerable<VideoFrame> ReadAsync(
        VideoSourceOptions options, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        var source = VideoSource.Parse(options.Source);
        var failures = options.Validate().ToList();
        if (failures.Count > 0)
        {
            throw new ArgumentException($"Invalid video source options for {source.DisplayName}: {string.Join(" ", failures)}", nameof(options));
        }

        return ReadCoreAsync(source, options, time, logger, cancellationToken);
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> with a clear message when <paramref name="source"/> can't be a video
    /// source: empty, not a URL, an unknown scheme, or a file that doesn't exist. Opens nothing.
    /// </summary>
    public static void Validate(string source) => VideoSource.Parse(source);

    private static async IAsyncEnumerable<VideoFrame> ReadCoreAsync(
        VideoSource source, VideoSourceOptions options, TimeProvider time, ILogger logger,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var frames = VideoReader.Start(source, options, time, logger, stop.Token);
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
            // Stops the reader when the consumer leaves early, too.
            stop.Cancel();
        }
    }
}
