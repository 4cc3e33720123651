using Argus.Devices;
using Argus.Scaling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Argus.Grains.Scaling;

/// <summary>
/// The cluster's autoscaler. Every <see cref="AutoscaleOptions.IntervalMs"/> it reads the routing table (each device
/// reports its in-flight items there twice a second), averages the cluster's in-flight items over the look-back window
/// and lets <see cref="AutoscalePolicy"/> decide. In memory only: on another silo it starts again from the silos that
/// take work, so a move never asks for fewer silos than the cluster serves with, nor brings back one that is draining.
/// </summary>
internal sealed partial class AutoscalerGrain(
    IOptions<AutoscaleOptions> options, IClusterMembershipService membership, TimeProvider time, ILogger<AutoscalerGrain> logger)
    : Grain, IAutoscalerGrain
{
    private readonly Queue<(DateTimeOffset At, int InFlight)> _samples = new();
    private AutoscaleState? _state;
    private AutoscaleStatus? _status;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await SampleAsync();
        var interval = TimeSpan.FromMilliseconds(options.Value.IntervalMs);
        this.RegisterGrainTimer(SampleAsync, new GrainTimerCreationOptions(interval, interval) { KeepAlive = true });
    }

    public Task<AutoscaleStatus> GetStatusAsync() => Task.FromResult(_status!);

    private async Task SampleAsync()
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var current = membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        IReadOnlyList<DeviceLoad> devices;
        try
        {
            devices = await GrainFactory.GetGrain<IDeviceDirectoryGrain>(0).GetDevicesAsync();
        }
        catch (Exception e) when (SiloLoss.Is(e))
        {
            // The directory's silo just left; it is back on another within a report period. Decide on the next sample.
            var desired = _state?.Desired ?? AutoscalePolicy.Bound(o, current);
            _status = (_status ?? new AutoscaleStatus(desired, current, o.MinSilos, o.MaxSilos, 0, 0, 0, 0, 0, o.TargetInFlightPerDevice, "", now))
                with { Reason = $"The routing table could not be read ({e.Message}): holding {desired}.", At = now };
            return;
        }

        var inFlight = devices.Sum(d => d.InFlight);
        _samples.Enqueue((now, inFlight));
        while (now - _samples.Peek().At > TimeSpan.FromSeconds(o.LookBackSeconds))
        {
            _samples.Dequeue();
        }

        var serving = devices.Where(d => !d.Draining).ToArray();
        var servingSilos = serving.Select(d => d.Silo).Distinct().Count();
        var context = new AutoscaleContext(
            now, current, servingSilos == 0 ? 0 : (double)serving.Length / servingSilos, _samples.Average(s => s.InFlight));
        // A new activation (the last one's silo stopped) starts from the silos that take work: draining ones still
        // count as active in the membership until they leave.
        _state ??= AutoscalePolicy.Initial(o, servingSilos > 0 ? servingSilos : current);
        var decision = AutoscalePolicy.Decide(o, context, _state);
        if (decision.State.Desired != _state.Desired)
        {
            LogDecided(logger, _state.Desired, decision.State.Desired, decision.Reason);
        }

        _state = decision.State;
        _status = new AutoscaleStatus(
            _state.Desired, current, o.MinSilos, o.MaxSilos, devices.Count, devices.Where(d => d.Draining).Select(d => d.Silo).Distinct().Count(),
            devices.Sum(d => d.QueueDepth), inFlight, context.AverageInFlight, o.TargetInFlightPerDevice, decision.Reason, now);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Desired silos {From} -> {To}: {Reason}")]
    private static partial void LogDecided(ILogger logger, int from, int to, string reason);
}
