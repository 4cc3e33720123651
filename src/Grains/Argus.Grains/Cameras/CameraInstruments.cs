using System.Diagnostics.Metrics;
using Argus.Cameras;
using Argus.Inference.Telemetry;

namespace Argus.Grains.Cameras;

/// <summary>
/// The cameras' instruments on the <see cref="ArgusTelemetry.MeterName"/> meter: frames by what became of them, counted
/// as <see cref="CameraStatistics"/> counts them (a stale frame is a dropped one), and capture-to-result latency.
/// </summary>
internal sealed class CameraInstruments
{
    private readonly Counter<long> _frames;
    private readonly Histogram<double> _latency;

    public CameraInstruments(IMeterFactory meters)
    {
        var meter = meters.Create(ArgusTelemetry.MeterName);
        _frames = meter.CreateCounter<long>(
            "argus.camera.frames", "{frame}", "A camera's frames by outcome: analysed, dropped (stale, replaced while waiting, or shed over the camera's share of saturated devices), skipped (over the target fps), failed.");
        _latency = meter.CreateHistogram(
            "argus.camera.frame.duration", "s", "From a frame's capture to the result of its analysis by every model of its camera.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = InferenceInstruments.LatencyBuckets });
    }

    /// <summary>Counts an offered frame that was not started or queued: stale, skipped, or one it replaced.</summary>
    public void Offered(string camera, FrameAdmission admission)
    {
        switch (admission.Outcome)
        {
            case FrameOutcome.Stale or FrameOutcome.Shed:
                Count(camera, "dropped");
                break;
            case FrameOutcome.Skipped:
                Count(camera, "skipped");
                break;
        }

        if (admission.Replaced)
        {
            Count(camera, "dropped");
        }
    }

    /// <summary>Counts frames dropped without being started: a connector's, before encoding, or a waiting frame shed.</summary>
    public void Dropped(string camera, long skipped, long shed)
    {
        Count(camera, "skipped", skipped);
        Count(camera, "dropped", shed);
    }

    /// <summary>Records a frame analysed by every model.</summary>
    public void Analysed(string camera, TimeSpan latency)
    {
        Count(camera, "analysed");
        _latency.Record(Math.Max(0, latency.TotalSeconds), new KeyValuePair<string, object?>("camera", camera));
    }

    /// <summary>Counts a frame whose analysis failed.</summary>
    public void Failed(string camera) => Count(camera, "failed");

    private void Count(string camera, string outcome, long frames = 1)
    {
        if (frames > 0)
        {
            _frames.Add(frames, new KeyValuePair<string, object?>("camera", camera), new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}
