namespace Argus.Client;

/// <summary>How the SDK reaches the cluster.</summary>
public sealed class ArgusClientOptions
{
    /// <summary>Gateway ports of the silos on this machine (localhost clustering). Default [30000].</summary>
    public IList<int> GatewayPorts { get; set; } = [30000];

    /// <summary>Time budget of a call that gives none. Default 10 s; at most <see cref="ClusterIdentity.MaxRequestTimeout"/>.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
