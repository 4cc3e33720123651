namespace Argus.Inference.Video;

/// <summary>One frame read from a video source, encoded as JPEG.</summary>
/// <param name="Jpeg">The frame as a JPEG, at the source's size.</param>
/// <param name="CapturedAt">
/// When the frame was read (UTC, from the reader's <see cref="TimeProvider"/>): for a file, when its paced turn came; for a
/// network source, when ffmpeg's JPEG of it arrived.
/// </param>
/// <param name="Index">
/// The frame's position in the source, from 0. A file counts every frame read: it goes on past a looped file's end, and
/// frames dropped by <see cref="VideoSourceOptions.MaxFps"/> leave gaps. A network source counts every frame ffmpeg
/// delivered (the cap is applied inside ffmpeg) across reconnections: only frames that a consumer too slow for the
/// stream missed leave gaps.
/// </param>
public sealed record VideoFrame(byte[] Jpeg, DateTime CapturedAt, long Index);
