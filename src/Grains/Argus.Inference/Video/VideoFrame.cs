namespace Argus.Inference.Video;

/// <summary>One frame read from a video source, encoded as JPEG.</summary>
/// <param name="Jpeg">The frame as a JPEG, at the source's size.</param>
/// <param name="CapturedAt">When the frame was read (UTC, from the reader's <see cref="TimeProvider"/>); for a file, when its paced turn came.</param>
/// <param name="Index">
/// The frame's position in the source, from 0, counting every frame read: it goes on past a looped file's end and
/// across a stream's reconnections, and frames dropped by <see cref="VideoSourceOptions.MaxFps"/> leave gaps.
/// </param>
public sealed record VideoFrame(byte[] Jpeg, DateTime CapturedAt, long Index);
