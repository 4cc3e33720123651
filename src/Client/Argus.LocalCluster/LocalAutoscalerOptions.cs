namespace Argus.LocalCluster;

/// <summary>What <see cref="LocalAutoscaler"/> starts and how far it follows the cluster's autoscaler.</summary>
public sealed record LocalAutoscalerOptions
{
    /// <summary>The silo to start: a build of src/Silo/Argus.Silo (<c>Argus.Silo.dll</c>).</summary>
    public required string SiloDll { get; init; }

    /// <summary>The Redis the silos form their cluster on (StackExchange.Redis configuration string).</summary>
    public required string Redis { get; init; }

    /// <summary>The fewest silos; also the autoscaler's <c>MinSilos</c>. Default 1.</summary>
    public int MinSilos { get; init; } = 1;

    /// <summary>The most silos; also the autoscaler's <c>MaxSilos</c>. Default 4.</summary>
    public int MaxSilos { get; init; } = 4;

    /// <summary>Simulated devices per silo (<c>Argus:Inference:Sim:Devices</c>); 0 serves on the real devices. Default 0.</summary>
    public int SimDevices { get; init; }

    /// <summary>The simulated devices' latency profile (<c>Argus:Inference:Sim:Profile</c>); null for the silo's default.</summary>
    public string? SimProfile { get; init; }

    /// <summary>An API key the silos require and this supervisor sends; null for none.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Further settings for every silo, as environment variables (e.g. <c>Argus__Autoscale__UpscaleDelaySeconds</c>).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Silo names are this followed by a number. Default <c>dev</c>.</summary>
    public string NamePrefix { get; init; } = "dev";

    /// <summary>How often the desired count is read. Default 1 s.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a silo may take to get ready. Default 2 minutes.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The default <see cref="StopGrace"/>: 90 s, Kubernetes' grace period in deploy/k8s.</summary>
    public static readonly TimeSpan DefaultStopGrace = TimeSpan.FromSeconds(90);

    /// <summary>How long a stopping silo may drain before it is killed. Default <see cref="DefaultStopGrace"/>.</summary>
    public TimeSpan StopGrace { get; init; } = DefaultStopGrace;

    /// <summary>Every problem with the options, one line each; empty when they are valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (!File.Exists(SiloDll)) yield return $"The silo {SiloDll} is missing: build src/Silo/Argus.Silo first.";
        if (string.IsNullOrWhiteSpace(Redis)) yield return "A Redis is needed: silos find each other through it.";
        if (MinSilos < 1) yield return $"The minimum must be at least 1 silo (is {MinSilos}).";
        if (MaxSilos < MinSilos) yield return $"The maximum ({MaxSilos}) must be at least the minimum ({MinSilos}).";
        if (MaxSilos > 32) yield return $"At most 32 silos run on one machine (asked for {MaxSilos}).";
        if (SimDevices is < 0 or > 64) yield return $"Simulated devices per silo must be between 0 and 64 (is {SimDevices}).";
        if (ApiKey is { Length: < 16 }) yield return "An API key needs at least 16 characters.";
        if (Interval < TimeSpan.FromMilliseconds(100)) yield return $"The interval must be at least 100 ms (is {Interval.TotalMilliseconds} ms).";
    }
}
