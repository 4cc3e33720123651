using System.Diagnostics;
using Argus.Inference.Batching;

namespace Argus.Inference.Telemetry;

/// <summary>
/// The labels of a model's measurements on one device. The silo is not among them: each silo is its own scrape target
/// (Prometheus adds <c>instance</c>), and its OTLP resource names it.
/// </summary>
/// <param name="Model">The model's name.</param>
/// <param name="Version">The model's version.</param>
/// <param name="Device">The device's name on its silo, e.g. <c>cpu0</c>.</param>
/// <param name="DeviceKind"><c>cpu</c>, <c>cuda</c> or <c>sim</c>, so a simulated device never passes for a real one.</param>
public readonly record struct InferenceLabels(string Model, string Version, string Device, string DeviceKind)
{
    /// <summary>A lane as labels name it: <c>realtime</c>, <c>interactive</c> or <c>batch</c>.</summary>
    public static string LaneName(BatchLane lane) => lane switch
    {
        BatchLane.Realtime => "realtime",
        BatchLane.Interactive => "interactive",
        _ => "batch",
    };

    /// <summary>These labels and the lane.</summary>
    internal TagList With(BatchLane lane) => new()
    {
        { "model", Model },
        { "version", Version },
        { "device", Device },
        { "device_kind", DeviceKind },
        { "lane", LaneName(lane) },
    };
}
