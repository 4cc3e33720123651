using Argus.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Argus.Client;

/// <summary>
/// Hands this client's figures per model version (<see cref="RolloutRecorder"/>) to the models' rollout grains once per
/// <see cref="Period"/> and once more as the client stops, so a canary's comparison and automatic rollback count the SDK's
/// callers as the silos' own.
/// </summary>
internal sealed partial class RolloutReporter(
    RolloutRecorder recorder, IClusterClient cluster, TimeProvider time, ILogger<RolloutReporter> logger) : BackgroundService
{
    internal static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    /// <summary>Who reports: one id per client process (the rollout adds the figures of every source).</summary>
    internal static readonly string Source = $"client-{Environment.MachineName}-{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await ReportAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the figures since the last tick go too. A short-lived client (one argus command) has no other period.
        }

        await ReportAsync();
    }

    /// <summary>A period's figures that cannot be sent are lost: the rollout's window refills, and callers never wait on it.</summary>
    private async Task ReportAsync()
    {
        foreach (var failure in await recorder.ReportAsync(cluster, Source))
        {
            LogReportFailed(logger, failure.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reporting figures to a rollout failed: {Error}")]
    private static partial void LogReportFailed(ILogger logger, string error);
}
