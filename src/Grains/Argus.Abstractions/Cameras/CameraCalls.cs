namespace Argus.Cameras;

/// <summary>How long a call to a camera or the registry may go unanswered.</summary>
public static class CameraCalls
{
    /// <summary>
    /// Every camera call is quick, so its caller learns within seconds that the camera's silo was lost (and retries once
    /// the camera is back elsewhere) instead of after the cluster's long call timeout, which inference needs.
    /// </summary>
    public const string Timeout = "00:00:10";
}
