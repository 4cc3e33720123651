namespace Argus.Cameras;

/// <summary>One encoded frame (JPEG, PNG, …) and when it was captured.</summary>
/// <param name="Image">The encoded image.</param>
/// <param name="CapturedAt">The capture time (UTC); latency is measured from it.</param>
[GenerateSerializer, Immutable, Alias("Argus.Cameras.Frame")]
public sealed record Frame([property: Id(0)] byte[] Image, [property: Id(1)] DateTime CapturedAt);

/// <summary>What became of a pushed frame.</summary>
public enum FrameOutcome
{
    /// <summary>It is being analysed, or waits as the newest frame for the next free slot.</summary>
    Accepted,

    /// <summary>Skipped: it came sooner after the last analysed frame than the target fps allows.</summary>
    Skipped,

    /// <summary>Dropped: a frame captured later was already waiting or analysed (latest wins).</summary>
    Stale,

    /// <summary>The camera is not configured (never added, or removed).</summary>
    UnknownCamera,

    /// <summary>
    /// Dropped before analysis: the camera's share of its devices' capacity is spent (they are saturated), so the frames
    /// it analyses stay within its latency target.
    /// </summary>
    Shed,
}

/// <summary>A camera's statistics since it was configured.</summary>
/// <param name="Camera">The camera's id.</param>
/// <param name="Received">Frames pushed to it, and those its connector read and dropped for it before encoding.</param>
/// <param name="Analysed">Frames analysed by every model.</param>
/// <param name="Dropped">
/// Frames dropped unanalysed: replaced by a newer one, stale on arrival, or shed (over the camera's share of saturated
/// devices, or too old once a slot freed); a connector's frames shed before they were encoded count here too.
/// </param>
/// <param name="Skipped">Frames skipped to hold the target fps.</param>
/// <param name="Failed">Frames whose analysis failed (bad image, overloaded device, missed deadline).</param>
/// <param name="P50Ms">Median capture-to-result latency of recent analysed frames, ms.</param>
/// <param name="P95Ms">Its 95th percentile.</param>
/// <param name="P99Ms">Its 99th percentile.</param>
/// <param name="AchievedFps">Frames analysed per second, recently.</param>
/// <param name="TargetFps">The configured target.</param>
/// <param name="Alerts">Alerts raised.</param>
/// <param name="Silo">The silo the camera is active on.</param>
/// <param name="NewestAnalysed">The capture time (UTC) of the newest frame analysed so far; null before the first.</param>
/// <param name="RingFrames">Recent frames kept for incident summaries (none without <see cref="CameraConfig.Incident"/>).</param>
/// <param name="RingBytes">Their encoded size.</param>
/// <param name="ShareFps">The fps the camera's share of its devices allows now: the target fps unless they are saturated.</param>
[GenerateSerializer, Immutable, Alias("Argus.Cameras.CameraStats")]
public sealed record CameraStats(
    [property: Id(0)] string Camera,
    [property: Id(1)] long Received,
    [property: Id(2)] long Analysed,
    [property: Id(3)] long Dropped,
    [property: Id(4)] long Skipped,
    [property: Id(5)] long Failed,
    [property: Id(6)] double P50Ms,
    [property: Id(7)] double P95Ms,
    [property: Id(8)] double P99Ms,
    [property: Id(9)] double AchievedFps,
    [property: Id(10)] double TargetFps,
    [property: Id(11)] long Alerts,
    [property: Id(12)] string Silo,
    [property: Id(13)] DateTime? NewestAnalysed = null,
    [property: Id(14)] int RingFrames = 0,
    [property: Id(15)] long RingBytes = 0,
    [property: Id(16)] double ShareFps = 0);
