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

    /// <summary>Port Orleans clients connect to. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The largest HTTP request body, in bytes. Default 32 MiB.</summary>
    public long MaxRequestBytes { get; set; } = 32 * 1024 * 1024;

    internal IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.Contains('/'))
            yield return $"{Section}:Name must be non-empty and contain no '/' (is '{Name}').";
        if (SiloPort is < 1 or > 65535) yield return $"{Section}:SiloPort must be a port number (is {SiloPort}).";
        if (GatewayPort is < 1 or > 65535) yield return $"{Section}:GatewayPort must be a port number (is {GatewayPort}).";
        if (SiloPort == GatewayPort) yield return $"{Section}: SiloPort and GatewayPort must differ (both {SiloPort}).";
        if (MaxRequestBytes < 1024) yield return $"{Section}:MaxRequestBytes must be at least 1024 (is {MaxRequestBytes}).";
    }
}
