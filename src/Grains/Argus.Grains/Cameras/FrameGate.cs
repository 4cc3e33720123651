using Argus.Cameras;

namespace Argus.Grains.Cameras;

/// <summary>What became of an offered frame, and what to start now.</summary>
/// <param name="Outcome">The answer to the frame's sender.</param>
/// <param name="Start">A frame to analyse now (the offered one), or null.</param>
/// <param name="Replaced">True when the offered frame took the place of a waiting one, which is dropped.</param>
internal readonly record struct FrameAdmission(FrameOutcome Outcome, Frame? Start, bool Replaced);

/// <summary>What an ended analysis lets go: the waiting frame to start now, or none.</summary>
/// <param name="Start">The waiting frame, to analyse now; or null.</param>
/// <param name="Shed">True when the waiting frame was dropped: too old to be on time, or over the camera's share.</param>
internal readonly record struct FrameRelease(Frame? Start, bool Shed);

/// <summary>
/// A camera's latest-wins admission of frames: at most <c>maxInFlight</c> analyses at once and one frame waiting for
/// the next free slot, always the newest. A frame captured before the newest one seen is stale; one captured sooner
/// after the last started frame than the target fps allows is skipped; one over the camera's share of its devices
/// (<see cref="FrameShare"/>) is shed, and so is a waiting frame that could no longer be on time. Not thread-safe: the
/// camera's grain owns it.
/// </summary>
internal sealed class FrameGate
{
    /// <summary>
    /// A frame this close to on time (a share of the period) counts as on time, so the jitter of capture timestamps
    /// does not halve the achieved rate (a 10 fps source at target 5 would otherwise often get every third frame).
    /// </summary>
    internal const double PeriodTolerance = 0.1;

    private Frame? _waiting;
    private DateTime? _newest;
    private DateTime? _lastStarted;

    /// <summary>Analyses started and not yet completed.</summary>
    public int InFlight { get; private set; }

    /// <summary>True while a frame waits for a slot.</summary>
    public bool HasWaiting => _waiting is not null;

    /// <summary>The camera's share of its devices, which the gate spends and the analyses teach.</summary>
    public FrameShare Share { get; } = new();

    /// <summary>
    /// When a frame captured from now on would start rather than be skipped (<c>Skip</c>, by the target fps) or shed
    /// (<c>Shed</c>, by the share, or <see cref="DateTime.MaxValue"/> while every slot is taken): a source asks before it
    /// encodes and sends a frame.
    /// </summary>
    public (DateTime Skip, DateTime Shed) NextWanted(int maxInFlight, double targetFps) => (
        _lastStarted is { } last ? last + MinimumGap(targetFps) : DateTime.MinValue,
        InFlight >= maxInFlight ? DateTime.MaxValue : Share.NextTurn(targetFps) ?? DateTime.MinValue);

    /// <summary>Offers a frame: start it, let it wait (replacing the frame waiting), skip it, shed it or refuse it as stale.</summary>
    public FrameAdmission Offer(Frame frame, int maxInFlight, double targetFps)
    {
        if (frame.CapturedAt < _newest)
        {
            return new FrameAdmission(FrameOutcome.Stale, null, false);
        }

        _newest = frame.CapturedAt;
        if (_lastStarted is { } last && frame.CapturedAt - last < MinimumGap(targetFps))
        {
            return new FrameAdmission(FrameOutcome.Skipped, null, false);
        }

        if (InFlight < maxInFlight)
        {
            if (!Share.TryTake(frame.CapturedAt, targetFps))
            {
                return new FrameAdmission(FrameOutcome.Shed, null, false);
            }

            Begin(frame);
            return new FrameAdmission(FrameOutcome.Accepted, frame, false);
        }

        var replaced = _waiting is not null;
        _waiting = frame;
        return new FrameAdmission(FrameOutcome.Accepted, null, replaced);
    }

    /// <summary>
    /// Ends an analysis at <paramref name="now"/>; releases the waiting frame to start now when it can still be analysed
    /// within <paramref name="latencyTarget"/> of its capture and the share allows it, or sheds it.
    /// </summary>
    public FrameRelease Complete(int maxInFlight, double targetFps, TimeSpan latencyTarget, DateTime now)
    {
        InFlight = Math.Max(0, InFlight - 1);
        if (_waiting is not { } next || InFlight >= maxInFlight)
        {
            return default;
        }

        _waiting = null;
        if (!Share.IsFresh(next.CapturedAt, now, latencyTarget) || !Share.TryTake(next.CapturedAt, targetFps))
        {
            return new FrameRelease(null, Shed: true);
        }

        Begin(next);
        return new FrameRelease(next, Shed: false);
    }

    private void Begin(Frame frame)
    {
        InFlight++;
        _lastStarted = frame.CapturedAt;
    }

    private static TimeSpan MinimumGap(double targetFps) => TimeSpan.FromSeconds((1 - PeriodTolerance) / targetFps);
}
