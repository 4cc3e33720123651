using Argus.Security;

namespace Argus.Client;

/// <summary>How the SDK reaches the cluster.</summary>
public sealed class ArgusClientOptions
{
    /// <summary>
    /// The Redis server the silos use for membership (e.g. <c>127.0.0.1:6379</c>); the client finds every gateway there.
    /// Unset: <see cref="GatewayPorts"/> on localhost.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>
    /// Gateways as <c>address:port</c> (e.g. <c>10.0.0.7:30000</c>), when <see cref="Redis"/> is unset: a static list
    /// for silos on other machines. Empty: <see cref="GatewayPorts"/> on localhost.
    /// </summary>
    public IList<string> Gateways { get; set; } = [];

    /// <summary>Gateway ports of the silos on this machine, when neither <see cref="Redis"/> nor <see cref="Gateways"/> is set. Default [30000].</summary>
    public IList<int> GatewayPorts { get; set; } = [30000];

    /// <summary>
    /// How long one attempt may run beyond its device's expected wait before it is abandoned and retried on another
    /// device (within the call's timeout). Default 3 s.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The tenant this client's inference calls are made for: the devices share a busy lane among tenants by their weights
    /// (the silos' <c>Argus:Tenants</c>). Null: no tenant. The SDK is a trusted cluster client, so the tenant is taken as
    /// given and no rate limit applies to it (rates apply over HTTP). Default null.
    /// </summary>
    public string? Tenant { get; set; }

    /// <summary>
    /// A silo's HTTP API, or a load balancer in front of the silos: the pipeline calls go there (their rules live at the
    /// silos' door). Default <c>http://127.0.0.1:8080</c>, a silo on this machine; <c>https://</c> with <see cref="Tls"/>.
    /// </summary>
    public Uri Api { get; set; } = new("http://127.0.0.1:8080");

    /// <summary>
    /// The API key sent with the calls to <see cref="Api"/> (as <c>X-Api-Key</c>), for silos that hold keys
    /// (<c>Argus:Auth</c>): a pipeline belongs to the key's tenant. Null: none.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// How long starting the client keeps trying to reach a gateway before the start throws (Orleans'
    /// <c>ConnectionFailedException</c>): a cluster that is down, a wrong port, or a silo with TLS refusing a client without
    /// it. Default 30 s.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time budget of a call that gives none. Default 10 s; at most <see cref="ClusterIdentity.MaxRequestTimeout"/>.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The client's certificate, its key and the cluster's certificate authority, for silos that run with <c>Argus:Tls</c>:
    /// the client presents the certificate to the gateway and trusts a gateway whose certificate chains to the authority.
    /// Unset: plaintext, which a silo with TLS refuses.
    /// </summary>
    public ArgusTlsOptions Tls { get; set; } = new();
}
