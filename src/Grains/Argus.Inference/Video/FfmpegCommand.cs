using System.Globalization;

namespace Argus.Inference.Video;

/// <summary>The ffmpeg that reads network sources, and the command line that turns one into JPEGs on its stdout.</summary>
internal static class FfmpegCommand
{
    // How long connecting or a socket read may stall before ffmpeg gives up and exits (microseconds); the reader then
    // reconnects. For http(s) it reaches the TCP socket; for rtsp it is the demuxer's socket timeout (ffmpeg 5 and later).
    private const int StallTimeoutMicroseconds = 5_000_000;

    private const UnixFileMode Executable = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>The full path of the first executable <c>ffmpeg</c> in the directories of <paramref name="pathVariable"/> (a PATH value).</summary>
    /// <exception cref="ArgumentException">There is none, so <paramref name="source"/>, a network source, can't be read here.</exception>
    public static string Locate(VideoSource source, string? pathVariable)
    {
        foreach (var directory in (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            // A file named ffmpeg with an execute bit: Argus runs on Linux, where OpenCV's official runtime does.
            var candidate = Path.GetFullPath(Path.Combine(directory, "ffmpeg"));
            if (!OperatingSystem.IsWindows() && File.Exists(candidate) && (File.GetUnixFileMode(candidate) & Executable) != 0)
            {
                return candidate;
            }
        }

        throw new ArgumentException(
            $"The video source {source.DisplayName} is a network stream, and network video sources need Debian's ffmpeg " +
            "(apt-get install ffmpeg): there is no ffmpeg on PATH.", "source");
    }

    /// <summary>
    /// ffmpeg's arguments for <paramref name="source"/>: its first video stream, decoded, capped at
    /// <see cref="VideoSourceOptions.MaxFps"/>, and written to stdout as back-to-back JPEGs, one per frame.
    /// </summary>
    public static IReadOnlyList<string> Arguments(VideoSource source, VideoSourceOptions options)
    {
        List<string> arguments = ["-nostdin", "-hide_banner", "-loglevel", "error"];
        if (source.Location.StartsWith("rtsp", StringComparison.OrdinalIgnoreCase))
        {
            // Interleaved in the RTSP connection: UDP loses packets (smeared frames) and rarely gets through NAT.
            arguments.AddRange(["-rtsp_transport", "tcp"]);
        }

        arguments.AddRange(["-timeout", StallTimeoutMicroseconds.ToString(CultureInfo.InvariantCulture), "-i", source.Location, "-map", "0:v:0"]);
        if (options.MaxFps is { } maxFps)
        {
            arguments.AddRange(["-vf", RateCap(maxFps)]);
        }

        // Frames go out as decoded: for image2pipe ffmpeg would otherwise make a constant rate, repeating frames to fill
        // the gaps the cap leaves (and a live stream's jitter).
        arguments.AddRange(["-fps_mode", "passthrough", "-f", "image2pipe", "-c:v", "mjpeg", "-q:v", QScale(options.JpegQuality).ToString(CultureInfo.InvariantCulture), "-"]);
        return arguments;
    }

    /// <summary>
    /// ffmpeg's MJPEG quantiser (<c>-q:v</c>, 2 best to 31 worst) for a JPEG quality (0 to 100): libjpeg's table scale for
    /// that quality (200 − 2Q percent from 50 up, 5000/Q below) over ten, within 2 to 31. So 85 → 3, 80 → 4, 75 → 5,
    /// 70 → 6, 50 → 10, and 90 and above → 2, ffmpeg's best. On frames of vtest.avi that comes within 0.6 dB of the PSNR
    /// of OpenCV's JPEGs at the same quality from 50 to 90, in 10–30% fewer bytes.
    /// </summary>
    public static int QScale(int jpegQuality)
    {
        var quality = Math.Max(jpegQuality, 1);
        var scalePercent = quality < 50 ? 5000.0 / quality : 200 - 2 * quality;
        return Math.Clamp((int)Math.Round(scalePercent / 10), 2, 31);
    }

    /// <summary>
    /// The filter that keeps a frame when it is the first, when time went back (a timestamp reset), or when it comes at
    /// least 1/<paramref name="maxFps"/> after the last one kept: the file reader's rule, on the stream's timestamps.
    /// </summary>
    private static string RateCap(double maxFps)
    {
        // select rather than fps: fps=N makes a constant rate, repeating frames when the source is slower than the cap.
        // A millisecond less: t is the timestamp in the stream's time base (often whole milliseconds) in floating point,
        // so a frame exactly on time can come out a hair short (at 10 fps capped to 5, 0.2 s kept 319 of 795, not 398).
        var interval = (1 / maxFps - 0.001).ToString("0.######", CultureInfo.InvariantCulture);
        return $"select='isnan(prev_selected_t)+lt(t,prev_selected_t)+gte(t-prev_selected_t,{interval})'";
    }
}
