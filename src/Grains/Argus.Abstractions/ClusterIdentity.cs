namespace Argus;

/// <summary>The Orleans cluster and service ids that silos and clients of one Argus deployment share.</summary>
public static class ClusterIdentity
{
    /// <summary>The Orleans cluster id.</summary>
    public const string ClusterId = "argus";

    /// <summary>The Orleans service id.</summary>
    public const string ServiceId = "argus";
}
