using Argus.Cameras;
using Argus.Inference.Statistics;

namespace Argus.Grains.Cameras;

/// <summary>
/// A camera's counters since it was configured on this activation, the capture-to-result latency of its last
/// <see cref="LatencyWindow"/> analysed frames and its achieved rate over the last <see cref="RateWindow"/>. Kept in
/// memory only: not worth a storage write per frame.
/// </summary>
internal sealed class CameraStatistics(DateTime since)
{
    /// <summary>Latencies kept for the percentiles.</summary>
    public const int LatencyWindow = 512;

    /// <summary>The span the achieved rate is measured over.</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(5);

    private readonly double[] _latenciesMs = new double[LatencyWindow];
    private readonly Queue<DateTime> _analysedAt = new();
    private int _latencyCount;
    private int _nextLatency;
    private long _received;
    private long _analysed;
    private long _dropped;
    private long _skipped;
    private long _failed;
    private DateTime? _newestAnalysed;

    /// <summary>Counts an offered frame by what became of it.</summary>
    public void Offered(FrameAdmission admission)
    {
        _received++;
        switch (admission.Outcome)
        {
            case FrameOutcome.Stale or FrameOutcome.Shed:
                _dropped++;
                break;
            case FrameOutcome.Skipped:
                _skipped++;
                break;
        }

        if (admission.Replaced)
        {
            _dropped++;
        }
    }

    /// <summary>Counts a waiting frame shed when its slot freed (it was counted as received when offered).</summary>
    public void Shed() => _dropped++;

    /// <summary>Counts frames a connector dropped before encoding them, never offered.</summary>
    public void Withheld(long skipped, long shed)
    {
        _received += skipped + shed;
        _skipped += skipped;
        _dropped += shed;
    }

    /// <summary>Records a frame analysed by every model.</summary>
    public void Analysed(DateTime capturedAt, DateTime now)
    {
        _analysed++;
        _latenciesMs[_nextLatency] = Math.Max(0, (now - capturedAt).TotalMilliseconds);
        _nextLatency = (_nextLatency + 1) % LatencyWindow;
        _latencyCount = Math.Min(_latencyCount + 1, LatencyWindow);
        _analysedAt.Enqueue(now);
        Prune(now);
        _newestAnalysed = _newestAnalysed is { } newest && newest > capturedAt ? newest : capturedAt;
    }

    /// <summary>Records a frame whose analysis failed.</summary>
    public void Failed() => _failed++;

    /// <summary>The statistics as the contract carries them.</summary>
    public CameraStats Snapshot(string camera, double targetFps, double shareFps, long alerts, string silo, DateTime now)
    {
        Prune(now);

        // Measured over the window, or over the time since the camera started when that is shorter (at least a second,
        // so the first frame does not read as a burst).
        var span = TimeSpan.FromTicks(Math.Clamp((now - since).Ticks, TimeSpan.TicksPerSecond, RateWindow.Ticks));
        var sorted = _latenciesMs.AsSpan(0, _latencyCount).ToArray();
        Array.Sort(sorted);
        return new CameraStats(
            camera, _received, _analysed, _dropped, _skipped, _failed,
            Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99),
            _analysedAt.Count / span.TotalSeconds, targetFps, alerts, silo, _newestAnalysed, ShareFps: shareFps);
    }

    private void Prune(DateTime now)
    {
        while (_analysedAt.Count > 0 && now - _analysedAt.Peek() >= RateWindow)
        {
            _analysedAt.Dequeue();
        }
    }

    private static double Percentile(double[] sorted, double percent) => sorted.Length == 0 ? 0 : Percentiles.NearestRank(sorted, percent);
}
