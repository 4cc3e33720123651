namespace Argus.Devices;

/// <summary>Priority lane of an inference request. A lower lane only runs when the higher lanes are empty.</summary>
public enum Lane
{
    /// <summary>Live traffic with a tight latency target (cameras, interactive alerts).</summary>
    Realtime = 0,

    /// <summary>Requests from people and services that wait for the answer.</summary>
    Interactive = 1,

    /// <summary>Bulk work that only fills capacity the other lanes leave free.</summary>
    Batch = 2,
}
