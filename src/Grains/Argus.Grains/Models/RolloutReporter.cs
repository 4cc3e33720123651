using Argus.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Argus.Grains.Models;

/// <summary>
/// Hands this silo's figures per model version to the models' rollout grains once per <see cref="Period"/>; started
/// with the silo, it also creates the rollout series (<see cref="RolloutInstruments"/>).
/// </summary>
internal sealed partial class RolloutReporter(
    RolloutRecorder recorder, RolloutInstruments instruments, IGrainFactory grains, ILocalSiloDetails silo, TimeProvider time, ILogger<RolloutReporter> logger) : BackgroundService
{
    internal static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            foreach (var failure in await recorder.ReportAsync(grains, silo.Name))
            {
                instruments.ReportFailed();
                LogReportFailed(logger, failure.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reporting figures to a rollout failed: {Error}")]
    private static partial void LogReportFailed(ILogger logger, string error);
}
