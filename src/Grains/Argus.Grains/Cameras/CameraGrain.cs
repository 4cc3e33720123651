using Argus.Cameras;
using Argus.Devices;
using Argus.Errors;
using Argus.Grains.Devices;
using Argus.Inference.Imaging;
using Argus.Inference.Models;
using Argus.Inference.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.Streams;

namespace Argus.Grains.Cameras;

/// <summary>
/// One camera. Frames come from its connector (<see cref="CameraConnectors"/>, for a file or stream source) or are
/// pushed to it, and are admitted latest-wins (<see cref="FrameGate"/>); each admitted frame runs through every
/// configured model on a routed device, with the capture time plus the latency target as its deadline; the results feed
/// the alert rules (<see cref="AlertRules"/>), and alerts go out on the camera's stream. Past its devices' capacity the
/// camera keeps to its share (<see cref="FrameShare"/>): frames over it are dropped before they are sent — a connector's
/// before they are even encoded (<see cref="FramePace"/>) — so those analysed stay fresh and none fails at its deadline.
/// Reentrant, so frames arrive while others are analysed. The configuration, rule state and recent alerts are persisted on every change of
/// configuration and on alerts, otherwise at most every <see cref="SaveInterval"/>: never per frame. With an incident
/// configuration it keeps its recent frames in a bounded ring (<see cref="FrameRing"/>), and each alert's incident is
/// persisted as pending until its summary — the frames around the alert run through the summary model in the batch lane —
/// is stored (<see cref="IncidentFiles"/>). The frames of an incident's window are written out as they come (the ring's
/// at the alert, each later one on arrival), so a camera that comes back on another silo makes the summaries still
/// pending from every frame but those that arrived while it was away. Alerts are listed once stored. An activation whose
/// write finds that another activation of the camera wrote since it read (two ran at once, across a partition) publishes
/// nothing more and deactivates: the alerts it raised were never the camera's, and the next call reads the state that won.
/// </summary>
[Reentrant]
internal sealed partial class CameraGrain(
    [PersistentState("camera")] IPersistentState<CameraState> state,
    InferenceDoor door,
    CameraConnectors connectors,
    CameraPeers peers,
    CameraInstruments instruments,
    CameraConfigValidator validator,
    IOptions<InferenceOptions> inference,
    IOptions<StorageOptions> storage,
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

    /// <summary>How often pending incidents are checked for being due.</summary>
    internal static readonly TimeSpan IncidentCheck = TimeSpan.FromSeconds(1);

    /// <summary>Frames of an incident sent to the summary model in one request.</summary>
    internal const int IncidentBatch = 8;

    private readonly SemaphoreSlim _saving = new(1, 1);
    private FrameGate _gate = new();
    private FrameRing? _ring;
    private FramePace? _pace;
    private CameraPeers.Member? _peer;
    private Task _writingFrames = Task.CompletedTask;
    private CameraStatistics _stats = null!;
    private IAsyncStream<Alert> _alerts = null!;
    private bool _dirty;

    /// <summary>The newest alert stored (or read): alerts after it are listed once a write has made them the camera's.</summary>
    private long _storedSequence;

    private string Id => this.GetPrimaryKeyString();

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stats = new CameraStatistics(Now);
        _storedSequence = state.State.AlertSequence;
        _alerts = this.GetStreamProvider(AlertStreams.Provider).GetStream<Alert>(StreamId.Create(AlertStreams.Namespace, Id));
        this.RegisterGrainTimer(SaveChangesAsync, new GrainTimerCreationOptions(SaveInterval, SaveInterval) { Interleave = true });
        this.RegisterGrainTimer(SummariseDueAsync, new GrainTimerCreationOptions(IncidentCheck, IncidentCheck) { Interleave = true });
        if (state.State.Config is { } config)
        {
            _ring = config.Incident is { } incident ? IncidentWindow.Ring(incident) : null;
            _pace = connectors.Start(Id, config); // back after a deactivation, or on another silo after this one's was lost
            _peer = peers.Join(config);
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        connectors.Stop(Id);
        _peer?.Dispose();
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
        _peer?.Dispose();
        _peer = peers.Join(config);
        state.State.Rules = config.Rules.ToDictionary(
            r => r.Name, r => rules.TryGetValue(r.Name, out var kept) && kept.Rule == r ? kept : RuleState.Start(r));
        await SaveAsync();
        if (config.Incident != previous?.Incident)
        {
            _ring = config.Incident is { } incident ? IncidentWindow.Ring(incident) : null;
        }

        if (previous is null || previous.Source != config.Source || previous.Loop != config.Loop || !connectors.IsRunning(Id))
        {
            _pace = connectors.Start(Id, config); // a file that ended is read again
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
        _pace = null;
        _peer?.Dispose();
        _peer = null;
        _gate = new FrameGate();
        _ring = null;
        _stats = new CameraStatistics(Now);
        await _saving.WaitAsync();
        try
        {
            _dirty = false;
            await state.ClearStateAsync();
            state.State = new CameraState();
            _storedSequence = 0;
        }
        finally
        {
            _saving.Release();
        }

        await GrainFactory.GetGrain<ICameraRegistryGrain>(0).RemoveAsync(Id);
        try
        {
            // A camera added again under this id numbers its alerts from 1 again: its incidents must not meet these.
            await _writingFrames;
            await Task.Run(() => IncidentFiles.Delete(storage.Value, Id));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadInputException)
        {
            LogIncidentsNotDeleted(logger, Id, e.Message);
        }

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
        _ring?.Add(frame.Value); // every frame, analysed or not: a summary shows the incident at the source's rate
        foreach (var pending in state.State.PendingIncidents)
        {
            if (frame.Value.CapturedAt >= IncidentWindow.From(pending) && frame.Value.CapturedAt <= IncidentWindow.To(pending))
            {
                WriteFrames(pending.Alert, [frame.Value]);
            }
        }
        _stats.Offered(admission);
        instruments.Offered(Id, admission);
        if (admission.Start is { } start)
        {
            _ = AnalyseAsync(start, _gate);
        }

        Repace(config);
        return Task.FromResult(admission.Outcome);
    }

    public Task<CameraStats> GetStatsAsync()
    {
        var targetFps = state.State.Config?.TargetFps ?? 0;
        CountPaceDrops();
        return Task.FromResult(_stats.Snapshot(Id, targetFps, _gate.Share.Fps(targetFps), _storedSequence, silo.Name, Now)
            with { RingFrames = _ring?.Count ?? 0, RingBytes = _ring?.Bytes ?? 0 });
    }

    public Task<IReadOnlyList<Alert>> GetRecentAlertsAsync() =>
        Task.FromResult<IReadOnlyList<Alert>>([.. state.State.RecentAlerts.Where(a => a.Sequence <= _storedSequence)]);

    public async Task<Incident?> GetIncidentAsync(long alert)
    {
        if (state.State.Config is null || alert < 1 || alert > state.State.AlertSequence)
        {
            return null;
        }

        if (state.State.PendingIncidents.Any(p => p.Alert == alert))
        {
            return new Incident(Id, alert, IncidentState.Pending, null);
        }

        return await Task.Run(() => IncidentFiles.ReadSummary(storage.Value, Id, alert)) is { } summary
            ? new Incident(Id, alert, IncidentState.Ready, summary)
            : null;
    }

    /// <summary>
    /// Analyses <paramref name="frame"/>, then each frame the gate hands over when it completes; each result teaches the
    /// camera's share.
    /// </summary>
    private async Task AnalyseAsync(Frame? frame, FrameGate gate)
    {
        while (frame is not null && gate == _gate && state.State.Config is { } config)
        {
            IReadOnlyDictionary<string, ItemResult>? results = null;
            var started = Now;
            var target = TimeSpan.FromMilliseconds(config.LatencyTargetMs);
            try
            {
                var answers = await Task.WhenAll(config.Models.Select(m => InferAsync(m, frame, config, frame.CapturedAt + target)));
                var failed = answers.FirstOrDefault(a => a.Result.Error is not null);
                if (failed.Result is { Error: { } error })
                {
                    if (error.Kind == ErrorKind.Overloaded)
                    {
                        gate.Share.Refused(config.TargetFps);
                    }

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
                gate.Share.Analysed(now - frame.CapturedAt, now - started, target, config.TargetFps, now, _peer?.MeanFps(now));
                _stats.Analysed(frame.CapturedAt, now);
                instruments.Analysed(Id, now - frame.CapturedAt);
                var raised = Evaluate(frame, results);
                if (raised.Count > 0)
                {
                    _ = PublishAsync(raised);
                }
            }

            _peer?.Report(gate.Share.Fps(config.TargetFps), Now);
            var release = gate.Complete(config.MaxInFlight, config.TargetFps, target, Now);
            if (release.Shed)
            {
                _stats.Shed();
                instruments.Dropped(Id, 0, 1);
            }

            frame = release.Start;
            Repace(config);
        }
    }

    /// <summary>
    /// Tells the connector which frames the camera wants next, and counts those it dropped meanwhile. A camera that keeps
    /// incidents wants every frame: its ring holds the source's rate, not the analysed one.
    /// </summary>
    private void Repace(CameraConfig config)
    {
        CountPaceDrops();
        _pace?.Set(config.Incident is null ? _gate.NextWanted(config.MaxInFlight, config.TargetFps) : (DateTime.MinValue, DateTime.MinValue));
    }

    private void CountPaceDrops()
    {
        if (_pace is { } pace && pace.TakeDropped() is var (skipped, shed) && skipped + shed > 0)
        {
            // Received counts them too: the source had them, and the camera chose not to take them.
            _stats.Withheld(skipped, shed);
            instruments.Dropped(Id, skipped, shed);
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
                var sequence = ++camera.AlertSequence;
                var incident = camera.Config?.Incident;
                var alert = new Alert(
                    Id, name, rule.Rule.Kind, frame.CapturedAt, Now, AlertRules.Describe(rule.Rule, evidence, Id),
                    evidence.Score, evidence.Detections, sequence, incident is null ? null : Alert.IncidentPath(Id, sequence));
                if (incident is not null)
                {
                    var pending = new PendingIncident(sequence, name, frame.CapturedAt, alert.RaisedAt, incident);
                    camera.PendingIncidents.Add(pending);
                    WriteFrames(sequence, _ring?.Window(IncidentWindow.From(pending), IncidentWindow.To(pending)) ?? []);
                }

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

    /// <summary>
    /// Saves the state the alerts changed, then publishes them; a failure of either is logged, not the other's, except
    /// that alerts whose write lost to another activation are not published: their sequence numbers are the winner's.
    /// </summary>
    private async Task PublishAsync(List<Alert> alerts)
    {
        try
        {
            await SaveAsync();
        }
        catch (InconsistentStateException)
        {
            return;
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

    /// <summary>
    /// Writes frames of an incident off the grain's scheduler, after those queued before (a summary waits for them all); a
    /// failure is logged and loses those frames only.
    /// </summary>
    private void WriteFrames(long alert, IReadOnlyList<Frame> frames)
    {
        if (frames.Count == 0)
        {
            return;
        }

        var (previous, files, camera) = (_writingFrames, storage.Value, Id);
        _writingFrames = Task.Run(async () =>
        {
            await previous;
            try
            {
                IncidentFiles.WriteFrames(files, camera, alert, frames);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadInputException)
            {
                LogIncidentFramesLost(logger, camera, alert, frames.Count, e.Message);
            }
        });
    }

    /// <summary>Makes the summary of each pending incident whose window has passed, one at a time, oldest first.</summary>
    private async Task SummariseDueAsync(CancellationToken cancellationToken)
    {
        foreach (var pending in state.State.PendingIncidents.ToArray())
        {
            if (!IncidentWindow.IsDue(pending, _ring?.Newest, Now) || !await SummariseAsync(pending)
                || !state.State.PendingIncidents.Remove(pending)) // removed with the camera meanwhile
            {
                continue;
            }

            try
            {
                await SaveAsync();
            }
            catch (Exception e)
            {
                // Stored but still listed as pending: made again after a restart, it is found stored and not remade.
                LogSaveFailed(logger, Id, e.Message);
            }
        }
    }

    /// <summary>
    /// Makes and stores <paramref name="pending"/>'s summary from the frames of its window written so far; false when it
    /// is to be tried again (the model's devices were busy or lost, or the files could not be written) before its deadline.
    /// </summary>
    private async Task<bool> SummariseAsync(PendingIncident pending)
    {
        var files = storage.Value;
        var deadline = pending.RaisedAt + IncidentWindow.Deadline;
        try
        {
            // Stored before the camera's silo was lost; one of another alert (left by a camera of this id that was not
            // removed through the API) is made again over it.
            if (await Task.Run(() => IncidentFiles.ReadSummary(files, Id, pending.Alert)) is { } stored
                && stored.CapturedAt == pending.CapturedAt && stored.Rule == pending.Rule)
            {
                return true;
            }

            var (from, to) = (IncidentWindow.From(pending), IncidentWindow.To(pending));
            await _writingFrames;
            var frames = await Task.Run(() => IncidentFiles.ReadFrames(files, Id, pending.Alert, from, to));
            var started = Now;
            List<ItemResult> results = new(frames.Count);
            string? version = null;
            foreach (var chunk in frames.Chunk(IncidentBatch))
            {
                // The batch lane: the summary fills what real-time work leaves and never delays a camera's frames.
                var request = new InferenceRequest(
                    pending.Config.Model, [.. chunk.Select(f => InferenceInput.FromImage(f.Image))], Lane.Batch, deadline,
                    Version: pending.Config.Version, Tenant: state.State.Config?.Tenant);
                InferenceResponse response;
                try
                {
                    response = await door.InferAsync(request, Id, CancellationToken.None);
                }
                catch (Exception e) when ((e is ArgusException || SiloLoss.Is(e)) && Now >= deadline)
                {
                    results.AddRange(chunk.Select(_ => ItemResult.Failed(new InferenceError(ErrorKind.Cancelled, $"The incident's deadline passed: {e.Message}"))));
                    continue;
                }

                if (response.Items.Any(i => i.Error is { IsRetryable: true }) && Now < deadline)
                {
                    LogIncidentRetried(logger, Id, pending.Alert, response.Items.First(i => i.Error is not null).Error!.Message);
                    return false;
                }

                version ??= response.Version;
                results.AddRange(response.Items);
            }

            var summary = new IncidentSummary(
                Id, pending.Alert, pending.Rule, pending.CapturedAt, pending.Config.Model, version, from, to,
                frames.Count(f => f.CapturedAt < pending.CapturedAt), frames.Count(f => f.CapturedAt >= pending.CapturedAt),
                [.. frames.Select((f, i) => new IncidentFrame(
                    IncidentFiles.FrameFile(f), f.CapturedAt, (f.CapturedAt - pending.CapturedAt).TotalMilliseconds, results[i]))],
                Now);
            if (!state.State.PendingIncidents.Contains(pending))
            {
                return false; // the camera was removed meanwhile
            }

            await Task.Run(() => IncidentFiles.WriteSummary(files, summary));
            LogIncidentMade(logger, Id, pending.Alert, frames.Count, (Now - started).TotalMilliseconds);
            return true;
        }
        catch (Exception e) when (e is ArgusException || SiloLoss.Is(e) || e is IOException or UnauthorizedAccessException)
        {
            if (Now < deadline)
            {
                LogIncidentRetried(logger, Id, pending.Alert, e.Message);
                return false;
            }

            LogIncidentAbandoned(logger, Id, pending.Alert, e.Message);
            return true;
        }
    }

    private Task SaveChangesAsync(CancellationToken cancellationToken) =>
        _dirty && state.State.Config is not null ? SaveAsync() : Task.CompletedTask;

    /// <summary>
    /// Writes the state; one write at a time, since interleaved calls may both want to. When another activation wrote
    /// since this one read, this one deactivates, and the exception goes on to the caller.
    /// </summary>
    private async Task SaveAsync()
    {
        await _saving.WaitAsync();
        try
        {
            _dirty = false;
            var sequence = state.State.AlertSequence;
            await state.WriteStateAsync();
            _storedSequence = sequence;
        }
        catch (InconsistentStateException e)
        {
            LogSuperseded(logger, Id, silo.Name, e.Message);
            DeactivateOnIdle();
            throw;
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
