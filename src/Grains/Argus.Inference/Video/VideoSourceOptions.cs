using Argus.Inference.Storage;

namespace Argus.Inference.Video;

/// <summary>What <see cref="VideoFrameSource.ReadAsync"/> reads and how.</summary>
public sealed class VideoSourceOptions
{
    /// <summary>
    /// A file path, a file:// URL, or an rtsp://, rtsps://, http:// or https:// URL (read through Debian's ffmpeg, which
    /// must be on PATH; rtsp over TCP). Required.
    /// </summary>
    public string Source { get; set; } = "";

    /// <summary>
    /// The roots a file source must lie in once symbolic links are resolved (<see cref="StorageOptions.Cameras"/>), and
    /// the file it opens is the resolved one. Null (the default): any file this process can read, for a tool that opens
    /// the file its user named; a camera always sets it.
    /// </summary>
    public StorageOptions? Storage { get; set; }

    /// <summary>Files only: start again at the end instead of ending. Default false.</summary>
    public bool Loop { get; set; }

    /// <summary>
    /// Frames closer than 1/<see cref="MaxFps"/> to the last one yielded are dropped before they are encoded: by the
    /// file's frame times, or for a network source inside ffmpeg, by the stream's timestamps. Default null: every frame.
    /// </summary>
    public double? MaxFps { get; set; }

    /// <summary>
    /// Asked for each frame with the time it would be handed over, before a file's frame is converted and encoded or a
    /// stream's JPEG is handed over; false drops the frame there. A consumer that can only take some frames (a camera
    /// past its share of a saturated device) says so here, so the others cost no encoding and no sending. Called on the
    /// reader's thread. Default null: every frame is wanted.
    /// </summary>
    public Func<DateTime, bool>? Wanted { get; set; }

    /// <summary>
    /// JPEG quality, 0 to 100. Default 85. ffmpeg encodes network sources, at the quantiser (-q:v) that is libjpeg's table
    /// scale for this quality over ten: 85 → 3, 75 → 5, 50 → 10, and 90 and above → 2, ffmpeg's best.
    /// </summary>
    public int JpegQuality { get; set; } = 85;

    /// <summary>
    /// Network sources: the first wait before starting ffmpeg again once it exited, doubled after each failure and back
    /// to this once frames flow again. Default 500 ms.
    /// </summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Network sources: the longest wait between reconnections. Default 30 s.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    internal IEnumerable<string> Validate()
    {
        if (JpegQuality is < 0 or > 100) yield return $"JpegQuality must be between 0 and 100 (is {JpegQuality}).";
        if (MaxFps is { } maxFps && !(maxFps > 0 && double.IsFinite(maxFps))) yield return $"MaxFps must be positive (is {maxFps}).";
        if (ReconnectDelay <= TimeSpan.Zero) yield return $"ReconnectDelay must be positive (is {ReconnectDelay}).";
        if (MaxReconnectDelay < ReconnectDelay)
        {
            yield return $"MaxReconnectDelay must be at least ReconnectDelay (is {MaxReconnectDelay}, ReconnectDelay {ReconnectDelay}).";
        }
    }
}
