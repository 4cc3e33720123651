using Orleans.Hosting.Kubernetes;

namespace Argus.Silo.Hosting;

/// <summary>
/// Decides whether the silo runs in a Kubernetes pod, from <c>Argus:Silo:Kubernetes</c> and the downward API's
/// variables, which arrive through the configuration like every other environment variable.
/// </summary>
internal static class KubernetesPod
{
    /// <summary>
    /// Settles <see cref="ArgusSiloOptions.Kubernetes"/> (unset: on when <c>POD_NAME</c> and <c>POD_NAMESPACE</c> are both
    /// set) and, in a pod, names the silo after it, as Orleans' Kubernetes hosting names its silo: <c>POD_NAME</c>, else
    /// the host name, which Kubernetes sets to the pod's name. Device keys start with this name, so both must agree.
    /// </summary>
    public static void Apply(ArgusSiloOptions options, IConfiguration configuration)
    {
        var podName = configuration[KubernetesHostingOptions.PodNameEnvironmentVariable];
        var podNamespace = configuration[KubernetesHostingOptions.PodNamespaceEnvironmentVariable];
        options.Kubernetes ??= !string.IsNullOrWhiteSpace(podName) && !string.IsNullOrWhiteSpace(podNamespace);
        if (options.Kubernetes == true)
        {
            options.Name = string.IsNullOrWhiteSpace(podName) ? Environment.MachineName : podName;
        }
    }
}
