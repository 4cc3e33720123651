namespace Argus.Inference.Batching;

/// <summary>
/// Priority lane inside the batcher; the order is the priority (the wire type <c>Argus.Devices.Lane</c> has the
/// same values, but this engine carries no Orleans reference).
/// </summary>
public enum BatchLane
{
    /// <summary>Live traffic with a tight latency target.</summary>
    Realtime = 0,

    /// <summary>Callers that wait for the answer.</summary>
    Interactive = 1,

    /// <summary>Bulk work that fills idle capacity.</summary>
    Batch = 2,
}
