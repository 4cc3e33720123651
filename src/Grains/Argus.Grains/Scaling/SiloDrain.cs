using Argus.Devices;
using Argus.Grains.Devices;
using Argus.Inference.Devices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Argus.Grains.Scaling;

/// <summary>
/// The drain of a stopping silo (SIGTERM, a scale-down): before Orleans and the web server stop, the silo reports its
/// devices as draining, so routing everywhere sends them nothing new, answers <c>/readyz</c> with 503, and waits, at most
/// <see cref="AutoscaleOptions.DrainTimeoutSeconds"/>, until its devices hold no item; then the host stops as before and
/// the cameras it ran start on other silos. Work of its own (batch workers holding shard leases) watches
/// <see cref="Draining"/> and hands its work back.
/// </summary>
public sealed partial class SiloDrain(
    IOptions<AutoscaleOptions> options, DeviceRuntime runtime, TimeProvider time, ILogger<SiloDrain> logger)
    : IHostedLifecycleService, IDisposable
{
    /// <summary>
    /// The least a drain lasts: a device's next report (every 500 ms) plus the age of a caller's routing table (up to
    /// 1 s), and a margin, so that requests routed on the old table have arrived before the silo counts what it holds.
    /// </summary>
    internal static readonly TimeSpan SettleTime = DeviceLoadReporter.Period + DeviceTable.MaxAge + TimeSpan.FromMilliseconds(500);

    private readonly CancellationTokenSource _draining = new();

    /// <summary>True once the silo has started to drain: it takes no new work.</summary>
    public bool IsDraining => _draining.IsCancellationRequested;

    /// <summary>Cancelled when the drain starts.</summary>
    public CancellationToken Draining => _draining.Token;

    /// <summary>Items at this silo's devices now.</summary>
    public int InFlight => runtime.Devices.Sum(d => d.InFlight);

    /// <summary>
    /// Starts the drain and waits until the devices hold nothing (after <see cref="SettleTime"/>), the drain timeout
    /// passes or <paramref name="cancellationToken"/> (the host's shutdown timeout) is cancelled. Calling it again only
    /// waits again.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        if (!IsDraining)
        {
            LogDraining(logger, InFlight);
            await _draining.CancelAsync();
        }

        if (!runtime.IsReady)
        {
            return; // never reported, so never routed to
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.DrainTimeoutSeconds));
        try
        {
            while (time.GetElapsedTime(started) < SettleTime || InFlight > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), time, timeout.Token);
            }

            LogDrained(logger, time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException)
        {
            LogDrainCutShort(logger, time.GetElapsedTime(started).TotalMilliseconds, InFlight);
        }
    }

    /// <inheritdoc />
    Task IHostedLifecycleService.StoppingAsync(CancellationToken cancellationToken) => DrainAsync(cancellationToken);

    /// <inheritdoc />
    Task IHostedLifecycleService.StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    Task IHostedLifecycleService.StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    Task IHostedLifecycleService.StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose() => _draining.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining: no new work; waiting for {InFlight} item(s) in flight")]
    private static partial void LogDraining(ILogger logger, int inFlight);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained in {ElapsedMs:F0} ms")]
    private static partial void LogDrained(ILogger logger, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drain cut short after {ElapsedMs:F0} ms with {InFlight} item(s) in flight")]
    private static partial void LogDrainCutShort(ILogger logger, double elapsedMs, int inFlight);
}
