namespace Argus.Scaling;

/// <summary>
/// The cluster's autoscaler, key 0: samples every device's in-flight work from the routing table, and from it computes
/// the number of silos the cluster should have, for Kubernetes (KEDA or an HPA) or a local supervisor to follow.
/// </summary>
[Alias("Argus.Scaling.IAutoscalerGrain")]
public interface IAutoscalerGrain : IGrainWithIntegerKey
{
    /// <summary>The latest decision and what it was made from.</summary>
    [Alias("GetStatus")]
    Task<AutoscaleStatus> GetStatusAsync();
}
