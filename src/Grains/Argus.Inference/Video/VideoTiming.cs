namespace Argus.Inference.Video;

/// <summary>The timing rules of a video source: when a file's frame is due, which frames a rate cap drops, how reconnections back off.</summary>
internal static class VideoTiming
{
    /// <summary>The rate a file is paced at when its container reports none.</summary>
    public const double DefaultFps = 25;

    /// <summary>The file's frame rate as reported by OpenCV (CAP_PROP_FPS), or <see cref="DefaultFps"/> when it reports none.</summary>
    public static double FileFps(double reported) => reported > 0 && double.IsFinite(reported) ? reported : DefaultFps;

    /// <summary>
    /// When frame <paramref name="index"/> of a file is due, from the start of reading. An absolute schedule: a reader
    /// that fell behind catches up by not waiting, and rounding never accumulates into drift.
    /// </summary>
    public static TimeSpan Due(long index, double fps) => TimeSpan.FromTicks((long)Math.Round(index * (TimeSpan.TicksPerSecond / fps)));

    /// <summary>Whether a frame due at <paramref name="due"/> comes closer than 1/<paramref name="maxFps"/> after the last one yielded.</summary>
    public static bool IsTooSoon(TimeSpan due, TimeSpan? lastYielded, double? maxFps) =>
        maxFps is { } cap && lastYielded is { } last && due - last < TimeSpan.FromTicks((long)Math.Round(TimeSpan.TicksPerSecond / cap));

    /// <summary>The wait after the next failed reconnection: twice this one, at most <paramref name="max"/>.</summary>
    public static TimeSpan NextReconnectDelay(TimeSpan delay, TimeSpan max) => delay >= max / 2 ? max : delay * 2;
}
