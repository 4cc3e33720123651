namespace Argus;

/// <summary>The Orleans cluster and service ids that silos and clients of one Argus deployment share.</summary>
public static class ClusterIdentity
{
    /// <summary>The Orleans cluster id.</summary>
    public const string ClusterId = "argus";

    /// <summary>The Orleans service id.</summary>
    public const string ServiceId = "argus";

    /// <summary>The longest deadline a request may carry.</summary>
    public static readonly TimeSpan MaxRequestTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a grain call may take before Orleans gives up on it: the longest deadline a request may carry, plus a
    /// margin. Deadlines, not this, bound a request; Orleans' default of 30 s would cut batch-lane requests short.
    /// </summary>
    public static readonly TimeSpan CallTimeout = MaxRequestTimeout + TimeSpan.FromSeconds(30);
}
