namespace Argus.Grains.Jobs;

/// <summary>
/// One item of a job: an image file, or one sampled frame of a video file. Its <see cref="Id"/> names it in the
/// outputs: the path, or <c>{path}#t={seconds}</c> for a frame.
/// </summary>
/// <param name="Id">The item's name in part files and errors.jsonl.</param>
/// <param name="Path">The file.</param>
/// <param name="Frame">For a video frame, its index in the file; null for an image.</param>
internal sealed record JobItem(string Id, string Path, long? Frame = null)
{
    /// <summary>An image file.</summary>
    public static JobItem Image(string path) => new(path, path);

    /// <summary>Frame <paramref name="frame"/> of a video, at <paramref name="seconds"/>.</summary>
    public static JobItem VideoFrame(string path, long frame, double seconds) =>
        new(FormattableString.Invariant($"{path}#t={seconds:F3}"), path, frame);
}
