namespace Argus.Silo.Hosting;

/// <summary>This silo's identity and ports (<c>Argus:Silo</c>).</summary>
public sealed class ArgusSiloOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Argus:Silo";

    /// <summary>The silo's name, unique in the cluster; device keys start with it. Default <c>silo-0</c>.</summary>
    public string Name { get; set; } = "silo-0";

    /// <summary>Silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>
    /// The port the silo listens on for other silos, when it differs from the <see cref="SiloPort"/> it advertises: a
    /// proxy or a NAT forwards the advertised port to it. Unset: <see cref="SiloPort"/>, with Redis clustering only.
    /// </summary>
    public int? SiloListenPort { get; set; }

    /// <summary>Port Orleans clients connect to. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The Redis server (StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>) for cluster membership
    /// and grain storage; read from <c>Argus:Redis</c>. Unset: one silo with localhost clustering and in-memory storage.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>
    /// The address other silos and clients reach this silo on, with Redis clustering. Default 127.0.0.1. Not used in a
    /// Kubernetes pod, where the silo advertises the pod's address.
    /// </summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// Whether the silo runs in a Kubernetes pod (Orleans' Kubernetes hosting): it takes its <see cref="Name"/> and
    /// address from the pod (<c>POD_NAME</c>, <c>POD_IP</c> from the downward API), listens on every address, and labels
    /// and watches the cluster's pods. Needs <see cref="Redis"/>, which still holds the membership. Default: unset, on
    /// when <c>POD_NAME</c> and <c>POD_NAMESPACE</c> are both set; <c>false</c> turns it off in a pod.
    /// </summary>
    public bool? Kubernetes { get; set; }

    /// <summary>
    /// How long a membership probe may go unanswered, in milliseconds. Default 1000 (Orleans' 5 s took 6–13 s to declare
    /// a killed silo dead here; 1 s with <see cref="MissedProbesLimit"/> 2 took about 2 s).
    /// </summary>
    public int ProbeTimeoutMs { get; set; } = 1000;

    /// <summary>Missed probes before a silo is suspected. Default 2.</summary>
    public int MissedProbesLimit { get; set; } = 2;

    /// <summary>The largest HTTP request body, in bytes. Default 32 MiB.</summary>
    public long MaxRequestBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// The options as the silo starts with them: <c>Argus:Silo</c>, <c>Argus:Redis</c>, and in a Kubernetes pod its name
    /// (<see cref="KubernetesPod"/>).
    /// </summary>
    internal static ArgusSiloOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<ArgusSiloOptions>() ?? new();
        Settle(options, configuration);
        return options;
    }

    /// <summary>
    /// Whether the silo uses Redis and runs in a pod, read while the host is built because they decide what is
    /// registered (every other value is read from the options validated at start). A value that cannot be read here (a
    /// <c>Kubernetes</c> of <c>yes</c>) counts as unset, and the options' binding reports it at start.
    /// </summary>
    internal static ArgusSiloOptions Shape(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var options = new ArgusSiloOptions
        {
            Redis = section[nameof(Redis)],
            Kubernetes = bool.TryParse(section[nameof(Kubernetes)], out var kubernetes) ? kubernetes : null,
        };
        Settle(options, configuration);
        return options;
    }

    /// <summary>Completes the options bound from <see cref="Section"/> with <c>Argus:Redis</c> and the pod (<see cref="KubernetesPod"/>).</summary>
    internal static void Settle(ArgusSiloOptions options, IConfiguration configuration)
    {
        options.Redis ??= configuration["Argus:Redis"];
        KubernetesPod.Apply(options, configuration);
    }
}
