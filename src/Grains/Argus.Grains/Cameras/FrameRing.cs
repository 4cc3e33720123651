using Argus.Cameras;

namespace Argus.Grains.Cameras;

/// <summary>
/// A camera's recent frames, kept as encoded for incident summaries, oldest first: at most <c>maxFrames</c> of them,
/// <c>maxBytes</c> in all, and none older than <c>span</c> before the newest; whichever bound is met first evicts the
/// oldest. A frame captured before the newest kept is not added (frames arrive latest-wins). Not thread-safe: the
/// camera's grain owns it.
/// </summary>
internal sealed class FrameRing(int maxFrames, long maxBytes, TimeSpan span)
{
    private readonly Queue<Frame> _frames = new();

    /// <summary>Frames kept.</summary>
    public int Count => _frames.Count;

    /// <summary>Their encoded size.</summary>
    public long Bytes { get; private set; }

    /// <summary>The newest frame's capture time; null while empty.</summary>
    public DateTime? Newest { get; private set; }

    /// <summary>Keeps <paramref name="frame"/>, evicting the oldest frames past the bounds.</summary>
    public void Add(Frame frame)
    {
        if (frame.CapturedAt < Newest || frame.Image.Length > maxBytes)
        {
            return;
        }

        _frames.Enqueue(frame);
        Bytes += frame.Image.Length;
        Newest = frame.CapturedAt;
        while (_frames.Count > maxFrames || Bytes > maxBytes || _frames.Peek().CapturedAt < frame.CapturedAt - span)
        {
            Bytes -= _frames.Dequeue().Image.Length;
        }
    }

    /// <summary>The frames captured from <paramref name="from"/> to <paramref name="to"/>, both included, oldest first.</summary>
    public IReadOnlyList<Frame> Window(DateTime from, DateTime to) =>
        [.. _frames.Where(f => f.CapturedAt >= from && f.CapturedAt <= to)];
}
