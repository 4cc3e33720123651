using Argus.Devices;
using Argus.Inference.Batching;
using Argus.Grains.Scaling;
using Argus.Inference.Devices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Argus.Grains.Devices;

/// <summary>
/// Publishes every local device's load to the <see cref="IDeviceDirectoryGrain"/> twice a second, once models are warm,
/// with its in-flight items (for the autoscaler) and whether the silo is draining (routing then skips it).
/// </summary>
internal sealed partial class DeviceLoadReporter(
    DeviceRuntime runtime, SiloDrain drain, IGrainFactory grains, ILocalSiloDetails silo, TimeProvider time, ILogger<DeviceLoadReporter> logger)
    : BackgroundService
{
    internal static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await runtime.WhenReadyAsync(stoppingToken))
        {
            return;
        }

        var directory = grains.GetGrain<IDeviceDirectoryGrain>(0);
        using var timer = new PeriodicTimer(Period, time);
        do
        {
            foreach (var device in runtime.Devices)
            {
                var load = new DeviceLoad(
                    new DeviceKey(silo.Name, device.Name).ToString(), silo.Name,
                    [.. device.Models.Select(m => new ServedModel(m.Name, m.Version, m.Queue.ItemCost.TotalMilliseconds, device.FindModel(m.Name, null) == m))],
                    device.Batcher.GetStats().QueueDepth.Sum(), device.Batcher.EstimateWait(BatchLane.Interactive).TotalMilliseconds,
                    device.ServingInFlight, drain.IsDraining);
                try
                {
                    await directory.ReportAsync(load);
                }
                catch (Exception e)
                {
                    LogReportFailed(logger, load.Key, e.Message); // the silo may still be joining; the next tick retries
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reporting the load of {Device} failed: {Error}")]
    private static partial void LogReportFailed(ILogger logger, string device, string error);
}
