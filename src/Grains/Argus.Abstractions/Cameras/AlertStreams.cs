namespace Argus.Cameras;

/// <summary>Where alerts are published.</summary>
public static class AlertStreams
{
    /// <summary>The stream provider's name (silos and clients register it).</summary>
    public const string Provider = "argus-alerts";

    /// <summary>The stream namespace; the stream key is the camera's id.</summary>
    public const string Namespace = "alerts";
}
