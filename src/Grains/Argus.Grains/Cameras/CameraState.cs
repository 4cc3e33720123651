using Argus.Cameras;

namespace Argus.Grains.Cameras;

/// <summary>What a camera persists: its configuration, its rules' state, its recent alerts and its pending incidents.</summary>
[GenerateSerializer, Alias("Argus.Grains.Cameras.CameraState")]
internal sealed class CameraState
{
    /// <summary>The configuration; null when the camera is not configured.</summary>
    [Id(0)] public CameraConfig? Config { get; set; }

    /// <summary>Each rule's state, by rule name.</summary>
    [Id(1)] public Dictionary<string, RuleState> Rules { get; set; } = [];

    /// <summary>The last alert's sequence number (alerts raised since the camera was added).</summary>
    [Id(2)] public long AlertSequence { get; set; }

    /// <summary>The most recent alerts, oldest first.</summary>
    [Id(3)] public List<Alert> RecentAlerts { get; set; } = [];

    /// <summary>The alerts whose incident summary is not yet stored, oldest first.</summary>
    [Id(4)] public List<PendingIncident> PendingIncidents { get; set; } = [];
}
