namespace Argus.Grains.Scaling;

/// <summary>
/// The autoscaler's policy and the drain of a stopping silo (<c>Argus:Autoscale</c>). The defaults follow Ray Serve's
/// autoscaling: a target of in-flight work per replica (here per device), a quick upscale delay and a slow downscale
/// delay, so a burst adds silos within seconds and a lull removes them only once it has lasted.
/// </summary>
public sealed class AutoscaleOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Argus:Autoscale";

    /// <summary>The fewest silos the autoscaler asks for. Default 1.</summary>
    public int MinSilos { get; set; } = 1;

    /// <summary>The most silos the autoscaler asks for. Default 10.</summary>
    public int MaxSilos { get; set; } = 10;

    /// <summary>
    /// In-flight items (queued, being prepared or running) each device should hold on average. Default 8, one batch of
    /// the default models: a device that holds more queues work it cannot start at once.
    /// </summary>
    public double TargetInFlightPerDevice { get; set; } = 8;

    /// <summary>How far back in-flight work is averaged, in seconds. Default 5.</summary>
    public double LookBackSeconds { get; set; } = 5;

    /// <summary>How long the load must ask for more silos before the desired count goes up, in seconds. Default 10.</summary>
    public double UpscaleDelaySeconds { get; set; } = 10;

    /// <summary>How long the load must ask for fewer silos before the desired count goes down, in seconds. Default 120.</summary>
    public double DownscaleDelaySeconds { get; set; } = 120;

    /// <summary>
    /// Load within this share of the desired count (0.1: 10 %) leaves the count as it is, so steady load near a
    /// boundary does not flip it up and down. Default 0.1.
    /// </summary>
    public double Tolerance { get; set; } = 0.1;

    /// <summary>The share of a step up that is taken at once (Ray Serve's <c>upscaling_factor</c>). Default 1, all of it.</summary>
    public double UpscaleFactor { get; set; } = 1;

    /// <summary>The share of a step down that is taken at once (Ray Serve's <c>downscaling_factor</c>). Default 1, all of it.</summary>
    public double DownscaleFactor { get; set; } = 1;

    /// <summary>How often the autoscaler samples the devices and decides, and each silo reads its decision, in milliseconds. Default 1000.</summary>
    public int IntervalMs { get; set; } = 1000;

    /// <summary>
    /// How long a stopping silo waits for the items it holds, in seconds, after it stopped taking new ones. Default 60,
    /// a batch-lane request's default deadline; it must end within the host's shutdown timeout (75 s in deploy/k8s).
    /// </summary>
    public double DrainTimeoutSeconds { get; set; } = 60;
}
