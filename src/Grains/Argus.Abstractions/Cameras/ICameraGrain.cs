using Orleans.Concurrency;

namespace Argus.Cameras;

/// <summary>
/// One camera, keyed by its id: its configuration, rule state and statistics. Frames are analysed freshest first: at
/// most <see cref="CameraConfig.MaxInFlight"/> at once, a newer frame replacing one that waits. Alerts are published on
/// the stream <see cref="AlertStreams.Namespace"/>/{camera id}.
/// </summary>
[Alias("Argus.Cameras.ICameraGrain")]
public interface ICameraGrain : IGrainWithStringKey
{
    /// <summary>Adds the camera, or changes its configuration (rule state is kept for rules whose definition is unchanged).</summary>
    /// <exception cref="Errors.BadInputException">The configuration is invalid (unknown source scheme, no model, bad rule).</exception>
    [Alias("ConfigureAsync")]
    [ResponseTimeout(CameraCalls.Timeout)]
    Task ConfigureAsync(CameraConfig config);

    /// <summary>Removes the camera: its connector stops, its state is cleared. Removing an unknown camera does nothing.</summary>
    [Alias("RemoveAsync")]
    [ResponseTimeout(CameraCalls.Timeout)]
    Task RemoveAsync();

    /// <summary>The configuration, or null when the camera is not configured.</summary>
    [Alias("GetConfigAsync")]
    [ResponseTimeout(CameraCalls.Timeout)]
    Task<CameraConfig?> GetConfigAsync();

    /// <summary>Offers a frame. Returns at once; the analysis runs in the background.</summary>
    [Alias("PushFrameAsync")]
    [ResponseTimeout(CameraCalls.Timeout)]
    Task<FrameOutcome> PushFrameAsync(Immutable<Frame> frame);

    /// <summary>The statistics since the camera was configured (or its silo started it).</summary>
    [Alias("GetStatsAsync")]
    [ResponseTimeout(CameraCalls.Timeout)]
    Task<CameraStats> GetStatsAsync();

    /// <summary>The most recent alerts, oldest first (at most 100).</summary>
    [Alias("GetRecentAlertsAsync")]
    [ResponseTimeout(CameraCalls.Timeout)]
    Task<IReadOnlyList<Alert>> GetRecentAlertsAsync();
}

/// <summary>The set of configured cameras, so they can be listed and every camera kept running.</summary>
[Alias("Argus.Cameras.ICameraRegistryGrain")]
public interface ICameraRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Records a camera as configured.</summary>
    [Alias("AddAsync")]
    [ResponseTimeout(CameraCalls.Timeout)]
    Task AddAsync(string camera);

    /// <summary>Forgets a camera.</summary>
    [Alias("RemoveAsync")]
    [ResponseTimeout(CameraCalls.Timeout)]
    Task RemoveAsync(string camera);

    /// <summary>Every configured camera's id, sorted.</summary>
    [Alias("ListAsync")]
    [ResponseTimeout(CameraCalls.Timeout)]
    Task<IReadOnlyList<string>> ListAsync();
}

/// <summary>How long a call to a camera or the registry may go unanswered.</summary>
public static class CameraCalls
{
    /// <summary>
    /// Every camera call is quick, so its caller learns within seconds that the camera's silo was lost (and retries once
    /// the camera is back elsewhere) instead of after the cluster's long call timeout, which inference needs.
    /// </summary>
    public const string Timeout = "00:00:10";
}

/// <summary>Where alerts are published.</summary>
public static class AlertStreams
{
    /// <summary>The stream provider's name (silos and clients register it).</summary>
    public const string Provider = "argus-alerts";

    /// <summary>The stream namespace; the stream key is the camera's id.</summary>
    public const string Namespace = "alerts";
}
