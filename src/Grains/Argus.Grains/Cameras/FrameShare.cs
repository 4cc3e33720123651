namespace Argus.Grains.Cameras;

/// <summary>
/// A camera's share of the capacity of the devices it uses, found from its own frames' latencies: additive increase,
/// multiplicative decrease (as TCP shares a link). While analysed frames come back within <see cref="Headroom"/> of the
/// latency target, the share grows by <see cref="IncreasePerSecond"/> fps each second up to the target fps; each frame
/// over it cuts the share in proportion to how late it came back (by <see cref="Decrease"/> at least, to
/// <see cref="DeepestDecrease"/> at most), and a frame refused by a device before it ran by <see cref="Decrease"/>. So new
/// cameras that all start at their target fps on a busy device back off in fewer late frames (docs/BENCHMARKS.md, the
/// cameras past saturation). Cameras on the same devices see the same queue, so a late frame says little about whose
/// share is too large: where the camera's peers are known (<see cref="CameraPeers"/>), a late frame cuts a camera at or
/// over their mean share to under it and spares one more than <see cref="PeerTolerance"/> under it (unless the frame
/// missed its latency target), so the shares converge on capacity ÷ cameras. Frames over the share are dropped before
/// they are sent (a token bucket, so any share is met on average whatever the source's rate), and a frame that waited
/// for a slot starts only while it can still be on time. Pure and not thread-safe: the camera's grain owns it.
/// </summary>
internal sealed class FrameShare
{
    /// <summary>The share of the latency target a frame may take before the share shrinks; the rest absorbs jitter.</summary>
    internal const double Headroom = 0.5;

    /// <summary>The factor a refused frame, or one just over the headroom, cuts the share by.</summary>
    internal const double Decrease = 0.8;

    /// <summary>The deepest cut one late frame makes: a single outlier (a pause) must not take a share to its minimum.</summary>
    internal const double DeepestDecrease = 0.5;

    /// <summary>
    /// Fps the share grows by per second while frames are on time: slow, since every camera on the device grows at once
    /// and the late frames that say so arrive a queue later.
    /// </summary>
    internal const double IncreasePerSecond = 0.25;

    /// <summary>How far under its peers' mean share a camera may be and still count as at it: means are sums of doubles.</summary>
    internal const double PeerTolerance = 0.05;

    /// <summary>The smallest share: a camera past any saturation still analyses a frame every few seconds.</summary>
    internal const double MinimumFps = 0.2;

    // A frame this close to a whole token is taken, so timestamp jitter does not cost a frame (as FrameGate.PeriodTolerance).
    private const double TokenTolerance = FrameGate.PeriodTolerance;

    // More than one token is kept so a share's fraction carries over: a 3 fps share of a 5 fps source takes three frames
    // in five, not one in two.
    private const double TokenCap = 2;

    private double _fps = double.PositiveInfinity;
    private double _tokens = 1;
    private DateTime? _refilled;
    private TimeSpan? _service;
    private DateTime? _lastAnalysed;

    /// <summary>The share in fps: at most <paramref name="targetFps"/>.</summary>
    public double Fps(double targetFps) => Math.Min(_fps, targetFps);

    /// <summary>
    /// Takes the share's turn for a frame offered at <paramref name="at"/>: true when the share allows a frame now (it is
    /// then spent), false when the frame is to be dropped.
    /// </summary>
    public bool TryTake(DateTime at, double targetFps)
    {
        var fps = Fps(targetFps);
        _tokens = _refilled is { } last && fps < targetFps
            ? Math.Min(TokenCap, _tokens + Math.Max(0, (at - last).TotalSeconds) * fps)
            : 1; // at the target fps the gate's own gap is the only limit
        _refilled = at;
        if (_tokens < 1 - TokenTolerance)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }

    /// <summary>When the share next allows a frame, from the last turn taken; null: now.</summary>
    public DateTime? NextTurn(double targetFps)
    {
        var fps = Fps(targetFps);
        return _refilled is { } last && fps < targetFps && _tokens < 1 - TokenTolerance
            ? last + TimeSpan.FromSeconds((1 - TokenTolerance - _tokens) / fps)
            : null;
    }

    /// <summary>
    /// Whether a frame captured at <paramref name="capturedAt"/> that waited for a slot may still start at
    /// <paramref name="now"/>: its age plus the time a frame's analysis takes lately stays within the headroom.
    /// </summary>
    public bool IsFresh(DateTime capturedAt, DateTime now, TimeSpan target) =>
        now - capturedAt + (_service ?? TimeSpan.Zero) <= target * Headroom;

    /// <summary>
    /// Learns from a frame analysed at <paramref name="now"/>: <paramref name="latency"/> from capture to result, of which
    /// <paramref name="service"/> from its start; <paramref name="peersFps"/> is the mean share of the camera's peers
    /// (<see cref="CameraPeers"/>), null when none are known.
    /// </summary>
    public void Analysed(TimeSpan latency, TimeSpan service, TimeSpan target, double targetFps, DateTime now, double? peersFps)
    {
        // Growth is by the time since the last result, at most one period: a camera grows by time, not by frames.
        var sinceLast = _lastAnalysed is { } last ? now - last : service;
        _lastAnalysed = now;
        // Weighted like the devices' cost estimate: follows within a few frames, ignores one outlier.
        _service = _service is { } s ? s * 0.8 + service * 0.2 : service;
        var fps = Fps(targetFps);
        var allowed = target * Headroom;
        if (latency <= allowed)
        {
            _fps = Math.Min(targetFps, fps + IncreasePerSecond * Math.Min(sinceLast.TotalSeconds, 1 / Math.Max(fps, MinimumFps)));
        }
        else if (peersFps is not { } mean || fps >= mean * (1 - PeerTolerance) || latency > target)
        {
            // Under the peers' mean, a frame late yet within its target is the others' doing; past the target it is not.
            _fps = Math.Max(MinimumFps, Math.Min(fps, peersFps ?? fps) * Math.Clamp(allowed / latency, DeepestDecrease, Decrease));
        }
    }

    /// <summary>Learns from a frame a device refused before it ran (its queue was full, or the deadline out of reach).</summary>
    public void Refused(double targetFps) => _fps = Math.Max(MinimumFps, Fps(targetFps) * Decrease);
}
