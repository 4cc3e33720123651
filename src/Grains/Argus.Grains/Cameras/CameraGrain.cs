using Argus.Cameras;
using Argus.Devices;
using Argus.Errors;
using Argus.Grains.Devices;
using Argus.Inference.Imaging;
using Argus.Inference.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Streams;

namespace Argus.Grains.Cameras;

/// <summary>
/// One camera. Frames come from its connector (<see cref="CameraConnectors"/>, for a file or stream source) or are
/// pushed to it, and are admitted latest-wins (<see cref="FrameGate"/>); each admitted frame runs through every
/// configured model on a routed device, with the capture time plus the latency target as its deadline; the results feed
/// the alert rules (<see cref="AlertRules"/>), and alerts go out on the camera's stream. Reentrant, so frames arrive
/// while others are analysed. The configuration, rule state and recent alerts are persisted on every change of
/// configuration and on alerts, otherwise at most every <see cref="SaveInterval"/>: never per frame.
/// </summary>
[Reentrant]
internal sealed partial class CameraGrain(
    [PersistentState("camera")] IPersistentState<CameraState> state,
    InferenceDoor door,
    CameraConnectors connectors,
    CameraInstruments instruments,
    CameraConfigValidator validator,
    IOptions<InferenceOptions> inference,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<CameraGrain> logger) : Grain, ICameraGrain
{
    /// <summary>How often changed rule state is written when no alert wrote it.</summary>
    internal static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How far ahead of this silo's clock a capture time may be (clocks disagree a little). One frame from far in the
    /// future would make every frame after it stale.
    /// </summary>
    internal static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(1);

    /// <summary>Alerts kept in the grain.</summary>
    internal const int RecentAlertCount = 100;

    private readonly SemaphoreSlim _saving = new(1, 1);
    private FrameGate _gate = new();
    private CameraStatistics _stats = null!;
    private IAsyncStream<Alert> _alerts = null!;
    private bool _dirty;

    private string Id => this.GetPrimaryKeyString();

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stats = new CameraStatistics(Now);
        _alerts = this.GetStreamProvider(AlertStreams.Provider).GetStream<Alert>(StreamId.Create(AlertStreams.Namespace, Id));
        this.RegisterGrainTimer(SaveChangesAsync, new GrainTimerCreationOptions(SaveInterval, SaveInterval) { Interleave = true });
        if (state.State.Config is { } config)
        {
            connectors.Start(Id, config); // back after a deactivation, or on another silo after this one's was lost
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        connectors.Stop(Id);
        await SaveChangesAsync(cancellationToken);
    }

    public async Task ConfigureAsync(CameraConfig config)
    {
        var failures = validator.Validate(Id, config);
        if (failures.Count > 0)
        {
            throw new BadInputException($"Camera '{Id}': " + string.Join(" ", failures));
        }

        // Listed first: a camera listed but not yet saved is harmless, one saved but not listed would not be kept running.
        await GrainFactory.GetGrain<ICameraRegistryGrain>(0).AddAsync(Id);
        var rules = state.State.Rules;
        var previous = state.State.Config;
        state.State.Config = config;
        state.State.Rules = config.Rules.ToDictionary(
            r => r.Name, r => rules.TryGetValue(r.Name, out var kept) && kept.Rule == r ? kept : RuleState.Start(r));
        await SaveAsync();
        if (previous is null || previous.Source != config.Source || previous.Loop != config.Loop || !connectors.IsRunning(Id))
        {
            connectors.Start(Id, config); // a file that ended is read again
        }

        LogConfigured(logger, Id, config.Source, string.Join(",", config.Models), config.Rules.Count);
    }

    public async Task RemoveAsync()
    {
        if (state.State.Config is null)
        {
            return;
        }

        connectors.Stop(Id);
        _gate = new FrameGate();
        _stats = new CameraStatistics(Now);
        await _saving.WaitAsync();
        try
        {
            _dirty = false;
            await state.ClearStateAsync();
            state.State = new CameraState();
        }
        finally
        {
            _saving.Release();
        }

        await GrainFactory.GetGrain<ICameraRegistryGrain>(0).RemoveAsync(Id);
        LogRemoved(logger, Id);
    }

    public Task<CameraConfig?> GetConfigAsync() => Task.FromResult(state.State.Config);

    public Task<FrameOutcome> PushFrameAsync(Immutable<Frame> frame)
    {
        if (state.State.Config is not { } config)
        {
            return Task.FromResult(FrameOutcome.UnknownCamera);
        }

        if (frame.Value.CapturedAt > Now + MaxClockSkew)
        {
            throw new BadInputException(
                $"The frame was captured at {frame.Value.CapturedAt:O}, more than {MaxClockSkew.TotalSeconds:F0} s after this silo's clock ({Now:O}).");
        }

        try
        {
            // Refused before it is admitted: a frame that cannot be decoded would only fail later, unseen by its sender.
            ImageDecoder.Check(frame.Value.Image, inference.Value.Images);
        }
        catch (InvalidInputException e)
        {
            throw new BadInputException(e.Message);
        }

        var admission = _gate.Offer(frame.Value, config.MaxInFlight, config.TargetFps);
        _stats.Offered(admission);
        instruments.Offered(Id, admission);
        if (admission.Start is { } start)
        {
            _ = AnalyseAsync(start, _gate);
        }

        return Task.FromResult(admission.Outcome);
    }

    public Task<CameraStats> GetStatsAsync() => Task.FromResult(_stats.Snapshot(
        Id, state.State.Config?.TargetFps ?? 0, state.State.AlertSequence, silo.Name, Now));

    public Task<IReadOnlyList<Alert>> GetRecentAlertsAsync() => Task.FromResult<IReadOnlyList<Alert>>([.. state.State.RecentAlerts]);

    /// <summary>Analyses <paramref name="frame"/>, then each frame the gate hands over when it completes.</summary>
    private async Task AnalyseAsync(Frame? frame, FrameGate gate)
    {
        while (frame is not null && gate == _gate && state.State.Config is { } config)
        {
            IReadOnlyDictionary<string, ItemResult>? results = null;
            try
            {
                var deadline = frame.CapturedAt + TimeSpan.FromMilliseconds(config.LatencyTargetMs);
                var answers = await Task.WhenAll(config.Models.Select(m => InferAsync(m, frame, config, deadline)));
                var failed = answers.FirstOrDefault(a => a.Result.Error is not null);
                if (failed.Result is { Error: { } error })
                {
                    LogFrameFailed(logger, Id, failed.Model, error.Message);
                }
                else
                {
                    results = answers.ToDictionary(a => a.Model, a => a.Result, StringComparer.OrdinalIgnoreCase);
                }
            }
            catch (Exception e)
            {
                // Whatever failed (no device, a lost silo, a timeout), the frame fails alone and its slot is freed below:
                // a frame that never completed would stop the camera for good.
                LogFrameFailed(logger, Id, string.Join(",", config.Models), e.Message);
            }

            if (gate != _gate)
            {
                return; // removed meanwhile
            }

            if (results is null)
            {
                _stats.Failed();
                instruments.Failed(Id);
            }
            else
            {
                var now = Now;
                _stats.Analysed(frame.CapturedAt, now);
                instruments.Analysed(Id, now - frame.CapturedAt);
                var raised = Evaluate(frame, results);
                if (raised.Count > 0)
                {
                    _ = PublishAsync(raised);
                }
            }

            frame = gate.Complete(config.MaxInFlight);
        }
    }

    private async Task<(string Model, ItemResult Result)> InferAsync(string model, Frame frame, CameraConfig config, DateTime deadline)
    {
        var request = new InferenceRequest(model, [InferenceInput.FromImage(frame.Image)], config.Lane, deadline, Tenant: config.Tenant);
        return (model, (await door.InferAsync(request, Id, CancellationToken.None)).Items[0]);
    }

    /// <summary>Feeds one analysed frame to every rule; returns the alerts raised. No awaits: rule state changes atomically.</summary>
    private List<Alert> Evaluate(Frame frame, IReadOnlyDictionary<string, ItemResult> results)
    {
        List<Alert> raised = [];
        var camera = state.State;
        foreach (var (name, rule) in camera.Rules.ToArray())
        {
            if (!results.TryGetValue(rule.Rule.Model, out var result))
            {
                continue;
            }

            var step = AlertRules.Evaluate(rule, result);
            camera.Rules[name] = step.State;
            _dirty = true;
            if (step.Raise is { } evidence)
            {
                var alert = new Alert(
                    Id, name, rule.Rule.Kind, frame.CapturedAt, Now, AlertRules.Describe(rule.Rule, evidence, Id),
                    evidence.Score, evidence.Detections, ++camera.AlertSequence);
                camera.RecentAlerts.Add(alert);
                if (camera.RecentAlerts.Count > RecentAlertCount)
                {
                    camera.RecentAlerts.RemoveAt(0);
                }

                raised.Add(alert);
            }
        }

        return raised;
    }

    /// <summary>Saves the state the alerts changed, then publishes them; a failure of either is logged, not the other's.</summary>
    private async Task PublishAsync(List<Alert> alerts)
    {
        try
        {
            await SaveAsync();
        }
        catch (Exception e)
        {
            LogSaveFailed(logger, Id, e.Message); // the timer tries again
        }

        foreach (var alert in alerts)
        {
            LogAlert(logger, Id, alert.Rule, alert.Sequence, alert.Score);
            try
            {
                await _alerts.OnNextAsync(alert);
            }
            catch (Exception e)
            {
                LogPublishFailed(logger, Id, alert.Sequence, e.Message);
            }
        }
    }

    private Task SaveChangesAsync(CancellationToken cancellationToken) =>
        _dirty && state.State.Config is not null ? SaveAsync() : Task.CompletedTask;

    /// <summary>Writes the state; one write at a time, since interleaved calls may both want to.</summary>
    private async Task SaveAsync()
    {
        await _saving.WaitAsync();
        try
        {
            _dirty = false;
            await state.WriteStateAsync();
        }
        catch
        {
            _dirty = true;
            throw;
        }
        finally
        {
            _saving.Release();
        }
    }
}
