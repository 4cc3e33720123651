using Argus.Devices;
using Argus.Inference.Batching;

namespace Argus.Grains.Devices;

/// <summary>The wire's lanes in the engine's terms, by name: the engine carries no Orleans reference, so no shared enum.</summary>
internal static class Lanes
{
    public static BatchLane ToBatchLane(Lane lane) => lane switch
    {
        Lane.Realtime => BatchLane.Realtime,
        Lane.Interactive => BatchLane.Interactive,
        Lane.Batch => BatchLane.Batch,
        _ => throw new ArgumentOutOfRangeException(nameof(lane), lane, "Unknown lane."),
    };
}
