using Argus.Scaling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Argus.Grains.Scaling;

/// <summary>
/// Reads the autoscaler's decision on every silo once per <see cref="AutoscaleOptions.IntervalMs"/> for the gauges, and
/// so keeps the autoscaler active: when its silo stops, the next read activates it on another.
/// </summary>
internal sealed partial class AutoscaleMonitor(
    IGrainFactory grains, AutoscaleInstruments instruments, IOptions<AutoscaleOptions> options, TimeProvider time, ILogger<AutoscaleMonitor> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.IntervalMs), time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                instruments.Observe(await grains.GetGrain<IAutoscalerGrain>(0).GetStatusAsync());
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogReadFailed(logger, e.Message); // the silo may still be joining, or the autoscaler moving
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading the autoscaler's decision failed: {Error}")]
    private static partial void LogReadFailed(ILogger logger, string error);
}
