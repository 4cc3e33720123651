using OpenCvSharp;

namespace Argus.Inference.Video;

/// <summary>
/// Samples a video file at a fixed rate for batch jobs, through OpenCV's FFmpeg backend: which frames to take (by
/// index, from the container's frame count and rate), and those frames as JPEG, read in one pass.
/// </summary>
public static class VideoSampler
{
    private static readonly ImageEncodingParam[] Jpeg = [new(ImwriteFlags.JpegQuality, 95)];

    /// <summary>The file extensions read as video.</summary>
    public static readonly IReadOnlySet<string> Extensions =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".avi", ".mp4", ".mkv", ".mov", ".webm", ".m4v", ".mpg", ".mpeg" };

    /// <summary>
    /// The frames to take from <paramref name="path"/> at <paramref name="fps"/> per second: every frame whose time is
    /// the next multiple of 1/fps, as (frame index, seconds from the start). Empty when the file holds no frames.
    /// </summary>
    /// <exception cref="InvalidDataException">OpenCV cannot open the file as a video.</exception>
    public static IReadOnlyList<(long Frame, double Seconds)> Plan(string path, double fps)
    {
        using var capture = Open(path);
        var fileFps = VideoTiming.FileFps(capture.Fps);
        var frames = (long)capture.FrameCount;
        var picks = new List<(long, double)>();
        var next = 0.0;
        for (long i = 0; i < frames; i++)
        {
            var t = VideoTiming.Due(i, fileFps).TotalSeconds;
            if (t + 1e-9 >= next)
            {
                picks.Add((i, Math.Round(t, 3)));
                next += 1 / fps;
            }
        }

        return picks;
    }

    /// <summary>
    /// Reads the frames <paramref name="frames"/> (ascending) of <paramref name="path"/> as JPEG, in one pass: a frame the
    /// file does not hold comes back null.
    /// </summary>
    /// <exception cref="InvalidDataException">OpenCV cannot open the file as a video.</exception>
    public static IReadOnlyDictionary<long, byte[]?> Read(string path, IReadOnlyCollection<long> frames, CancellationToken cancellationToken = default)
    {
        var wanted = new SortedSet<long>(frames);
        var result = wanted.ToDictionary(f => f, _ => (byte[]?)null);
        if (wanted.Count == 0)
        {
            return result;
        }

        using var capture = Open(path);
        using var frame = new Mat();
        var last = wanted.Max;
        // Grab decodes; only the wanted frames are converted and encoded.
        for (long i = 0; i <= last && capture.Grab(); i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (wanted.Contains(i) && capture.Retrieve(frame) && !frame.Empty())
            {
                Cv2.ImEncode(".jpg", frame, out var jpeg, Jpeg);
                result[i] = jpeg;
            }
        }

        return result;
    }

    /// <summary>Opens a video file with OpenCV's FFmpeg backend; null when it cannot read it.</summary>
    internal static VideoCapture? TryOpen(string path)
    {
        var capture = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        if (capture.IsOpened())
        {
            return capture;
        }

        capture.Dispose();
        return null;
    }

    private static VideoCapture Open(string path) =>
        TryOpen(path) ?? throw new InvalidDataException($"'{path}' could not be opened as a video: OpenCV's FFmpeg backend does not read it.");
}
