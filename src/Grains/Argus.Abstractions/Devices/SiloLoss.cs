using Argus.Errors;
using Orleans.Runtime;

namespace Argus.Devices;

/// <summary>The one rule for "the call was lost with its grain's silo", shared by the silos and the SDK.</summary>
public static class SiloLoss
{
    /// <summary>
    /// Whether a grain call failed in the cluster's plumbing (its silo died or is leaving, its connection or message was
    /// lost, it timed out) rather than with an answer of the grain: the same call may succeed on another silo.
    /// </summary>
    public static bool Is(Exception e) =>
        e is not ArgusException and (OrleansException or TimeoutException); // SiloUnavailable, message rejection, …
}
