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
    [Alias("Configure")]
    [ResponseTimeout(CameraCalls.Timeout)]
    Task ConfigureAsync(CameraConfig config);

    /// <summary>Removes the camera: its connector stops, its state is cleared. Removing an unknown camera does nothing.</summary>
    [Alias("Remove")]
    [ResponseTimeout(CameraCalls.Timeout)]
    Task RemoveAsync();

    /// <summary>The configuration, or null when the camera is not configured.</summary>
    [Alias("GetConfig")]
    [ResponseTimeout(CameraCalls.Timeout)]
    Task<CameraConfig?> GetConfigAsync();

    /// <summary>Offers a frame. Returns at once; the analysis runs in the background.</summary>
    [Alias("PushFrame")]
    [ResponseTimeout(CameraCalls.Timeout)]
    Task<FrameOutcome> PushFrameAsync(Immutable<Frame> frame);

    /// <summary>The statistics since the camera was configured (or its silo started it).</summary>
    [Alias("GetStats")]
    [ResponseTimeout(CameraCalls.Timeout)]
    Task<CameraStats> GetStatsAsync();

    /// <summary>The most recent alerts, oldest first (at most 100).</summary>
    [Alias("GetRecentAlerts")]
    [ResponseTimeout(CameraCalls.Timeout)]
    Task<IReadOnlyList<Alert>> GetRecentAlertsAsync();

    /// <summary>
    /// Alert <paramref name="alert"/>'s incident: pending until its summary is made, then ready with it; null when that
    /// alert has none (the camera made no summaries then, or there is no such alert).
    /// </summary>
    [Alias("GetIncident")]
    [ResponseTimeout(CameraCalls.Timeout)]
    Task<Incident?> GetIncidentAsync(long alert);
}
