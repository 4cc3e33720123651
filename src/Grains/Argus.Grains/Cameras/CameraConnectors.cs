using System.Collections.Concurrent;
using Argus.Cameras;
using Argus.Inference.Storage;
using Argus.Inference.Video;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Argus.Grains.Cameras;

/// <summary>
/// The connectors of the cameras active on this silo: for a camera whose source is a video file or a network stream, a
/// loop on the thread pool (never the Orleans scheduler) reads frames with <see cref="VideoFrameSource"/> — files paced
/// at their real frame rate, streams reconnected with back-off — and pushes each to the camera's grain. A camera starts
/// its connector when it is activated or reconfigured and stops it when it is deactivated or removed, so after a silo
/// is lost the connector resumes wherever the camera comes back. Frames the camera would not take (over its target fps,
/// over its share of saturated devices, or while its slots are taken) are dropped by the reader before they are encoded
/// and pushed, as the camera's <see cref="FramePace"/> says. A file is confined to the camera roots again each time
/// a connector opens it, so a link changed since the camera was added cannot lead out.
/// </summary>
internal sealed partial class CameraConnectors(IGrainFactory grains, IOptions<StorageOptions> storage, TimeProvider time, ILogger<CameraConnectors> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new();

    /// <summary>True while a connector reads for <paramref name="camera"/> on this silo.</summary>
    public bool IsRunning(string camera) => _running.ContainsKey(camera);

    /// <summary>
    /// (Re)starts the connector of <paramref name="camera"/> and returns the pace the camera sets for it; a <c>push</c>
    /// camera has none (null).
    /// </summary>
    public FramePace? Start(string camera, CameraConfig config)
    {
        Stop(camera);
        if (config.Source == CameraConfig.PushSource)
        {
            return null;
        }

        var stop = new CancellationTokenSource();
        var pace = new FramePace();
        _running[camera] = stop;
        _ = Task.Run(() => RunAsync(camera, config, pace, stop), CancellationToken.None);
        return pace;
    }

    /// <summary>Stops the connector of <paramref name="camera"/>, if one runs here.</summary>
    public void Stop(string camera)
    {
        if (_running.TryRemove(camera, out var stop))
        {
            stop.Cancel();
        }
    }

    /// <summary>Stops every connector (the silo is stopping).</summary>
    public void Dispose()
    {
        foreach (var camera in _running.Keys)
        {
            Stop(camera);
        }
    }

    private async Task RunAsync(string camera, CameraConfig config, FramePace pace, CancellationTokenSource stop)
    {
        var grain = grains.GetGrain<ICameraGrain>(camera);
        var options = new VideoSourceOptions { Source = config.Source, Loop = config.Loop, Storage = storage.Value, Wanted = pace.Wants };
        LogStarted(logger, camera, config.Source);
        try
        {
            await foreach (var frame in VideoFrameSource.ReadAsync(options, time, logger, stop.Token))
            {
                try
                {
                    if (await grain.PushFrameAsync(new Frame(frame.Jpeg, frame.CapturedAt).AsImmutable()) == FrameOutcome.UnknownCamera)
                    {
                        return; // removed
                    }
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    // The camera may be moving to another silo: this frame is lost, the next one is pushed.
                    LogPushFailed(logger, camera, e.Message);
                }
            }

            LogEnded(logger, camera, config.Source);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped: deactivated, removed or reconfigured.
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            LogFailed(logger, camera, e.Message);
        }
        finally
        {
            // Not disposed: a Stop racing with this end may still cancel it (it holds no timer or handle to free).
            _running.TryRemove(new KeyValuePair<string, CancellationTokenSource>(camera, stop));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {Camera}: connector reading {Source}")]
    private static partial void LogStarted(ILogger logger, string camera, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {Camera}: {Source} ended")]
    private static partial void LogEnded(ILogger logger, string camera, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Camera {Camera}: connector stopped: {Error}")]
    private static partial void LogFailed(ILogger logger, string camera, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Camera {Camera}: pushing a frame failed: {Error}")]
    private static partial void LogPushFailed(ILogger logger, string camera, string error);
}
