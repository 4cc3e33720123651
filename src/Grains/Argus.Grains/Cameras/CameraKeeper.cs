using Argus.Cameras;
using Argus.Inference.Devices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Argus.Grains.Cameras;

/// <summary>
/// Keeps every configured camera active: every <see cref="Period"/> it reads the registry and pings each camera, so a
/// camera whose silo died is activated on another silo — from its persisted configuration and rule state — and its
/// connector starts again there. Runs on every silo; a ping of an active camera costs one cheap call.
/// </summary>
internal sealed partial class CameraKeeper(
    DeviceRuntime runtime, IGrainFactory grains, TimeProvider time, ILogger<CameraKeeper> logger) : BackgroundService
{
    /// <summary>How often the cameras are pinged.</summary>
    internal static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await runtime.WhenReadyAsync(stoppingToken))
        {
            return;
        }

        using var timer = new PeriodicTimer(Period, time);
        do
        {
            try
            {
                var cameras = await grains.GetGrain<ICameraRegistryGrain>(0).ListAsync();
                await Task.WhenAll(cameras.Select(PingAsync));
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogListFailed(logger, e.Message); // the registry may be moving with a lost silo; the next tick retries
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task PingAsync(string camera)
    {
        try
        {
            await grains.GetGrain<ICameraGrain>(camera).GetConfigAsync();
        }
        catch (Exception e)
        {
            LogPingFailed(logger, camera, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listing the cameras failed: {Error}")]
    private static partial void LogListFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pinging camera {Camera} failed: {Error}")]
    private static partial void LogPingFailed(ILogger logger, string camera, string error);
}
