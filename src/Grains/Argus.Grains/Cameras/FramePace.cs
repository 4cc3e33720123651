namespace Argus.Grains.Cameras;

/// <summary>
/// What a camera's grain tells its connector about the next frame it wants, so the connector drops the others before
/// they are encoded and pushed, and what the connector dropped, for the grain to count. Written by the grain, read by
/// the connector's reader thread: every field is read and written whole.
/// </summary>
internal sealed class FramePace
{
    private long _skipUntil;
    private long _shedUntil;
    private long _skipped;
    private long _shed;

    /// <summary>Sets the times before which a frame would be skipped and shed (<see cref="FrameGate.NextWanted"/>).</summary>
    public void Set((DateTime Skip, DateTime Shed) next)
    {
        Interlocked.Exchange(ref _skipUntil, next.Skip.Ticks);
        Interlocked.Exchange(ref _shedUntil, next.Shed.Ticks);
    }

    /// <summary>Whether a frame handed over at <paramref name="at"/> is wanted; one that is not is counted.</summary>
    public bool Wants(DateTime at)
    {
        if (at.Ticks < Interlocked.Read(ref _skipUntil))
        {
            Interlocked.Increment(ref _skipped);
            return false;
        }

        if (at.Ticks < Interlocked.Read(ref _shedUntil))
        {
            Interlocked.Increment(ref _shed);
            return false;
        }

        return true;
    }

    /// <summary>The frames dropped since the last call, by reason.</summary>
    public (long Skipped, long Shed) TakeDropped() => (Interlocked.Exchange(ref _skipped, 0), Interlocked.Exchange(ref _shed, 0));
}
