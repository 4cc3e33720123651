namespace Argus.Cameras;

/// <summary>
/// What a camera does when one of its rules raises an alert: the frames from <see cref="BeforeS"/> before the alerting
/// frame to <see cref="AfterS"/> after it (those before taken from a bounded ring of the camera's recent frames, those
/// after as they arrive) run through <see cref="Model"/> in the batch lane, and the summary (per-frame results, the
/// frames) is stored for the alert to link to.
/// </summary>
[GenerateSerializer, Immutable, Alias("Argus.Cameras.IncidentConfig")]
public sealed record IncidentConfig
{
    /// <summary>The summary model, e.g. <c>text-detection</c>: any model the cluster serves.</summary>
    [Id(0)] public string Model { get; init; } = "";

    /// <summary>The summary model's version; null for its default (or its rollout's choice).</summary>
    [Id(1)] public string? Version { get; init; }

    /// <summary>Seconds of frames before the alerting frame. Default 5.</summary>
    [Id(2)] public double BeforeS { get; init; } = 5;

    /// <summary>Seconds of frames after it; the summary is made once they have arrived. Default 5.</summary>
    [Id(3)] public double AfterS { get; init; } = 5;

    /// <summary>The most frames the camera keeps for it (every frame it receives, as encoded). Default 300.</summary>
    [Id(4)] public int RingFrames { get; init; } = 300;

    /// <summary>The most MiB of encoded frames the camera keeps for it. Default 32.</summary>
    [Id(5)] public int RingMib { get; init; } = 32;
}
