using Argus.Devices;
using Argus.Grains.Devices;
using Argus.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Argus.Grains.Models.Drift;

/// <summary>
/// A model version's drift checks (<see cref="IDriftMonitorGrain"/>): a thin shell around its <see cref="DriftWindow"/>
/// that runs each due test on the thread pool, logs and counts alarms, and loads a configured folder reference by
/// inferring the folder's images on the version itself, through this silo's door, in the batch lane. The reference loads
/// in the background from activation; until it has, outputs only fill the window, and a load that failed (the silo still
/// warming, say) is tried again on a later call.
/// </summary>
internal sealed partial class DriftMonitorGrain(
    InferenceDoor door, IOptions<DriftOptions> options, DriftInstruments instruments, TimeProvider time, ILogger<DriftMonitorGrain> logger)
    : Grain, IDriftMonitorGrain
{
    /// <summary>Images per request while a folder reference loads: small enough to share the batch lane.</summary>
    private const int ReferenceBatch = 8;

    /// <summary>How long a failed folder load waits before it is tried again.</summary>
    private static readonly TimeSpan ReferenceRetry = TimeSpan.FromSeconds(10);

    /// <summary>How long a folder's images may take to infer, per request.</summary>
    private static readonly TimeSpan ReferenceDeadline = TimeSpan.FromMinutes(2);

    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".bmp", ".webp" };

    private string _model = "";
    private string _version = "";
    private DriftWindow _window = null!;
    private Task _loading = Task.CompletedTask;
    private DateTimeOffset _retryAt;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_model, _version) = DriftMonitors.Parse(this.GetPrimaryKeyString());
        _window = new DriftWindow(options.Value, options.Value.ReferenceFor(_model, _version)?.Folder, new Random());
        LoadReferenceIfDue();
        return Task.CompletedTask;
    }

    public async Task<DriftStatus> AddAsync(Immutable<IReadOnlyList<DriftSample>> samples)
    {
        LoadReferenceIfDue();
        foreach (var check in _window.Add(samples.Value))
        {
            var verdict = await Task.Run(check.Run);
            var change = _window.Record(verdict, time.GetUtcNow().UtcDateTime);
            if (change == AlarmChange.Raised)
            {
                instruments.AlarmRaised(_model, _version);
                var status = _window.Status(_model, _version);
                LogAlarm(logger, _model, _version, status.DriftingWindows, status.Alpha, verdict.Statistic, verdict.Score, verdict.PValue,
                    status.ReferenceSource, status.ReferenceSize, status.WindowSize);
            }
            else if (change == AlarmChange.Cleared)
            {
                LogCleared(logger, _model, _version, verdict.PValue);
            }
        }

        return _window.Status(_model, _version);
    }

    public Task<DriftStatus?> GetStatusAsync()
    {
        LoadReferenceIfDue();
        return Task.FromResult(_window.HasState || _window.Folder is not null ? _window.Status(_model, _version) : null);
    }

    private void LoadReferenceIfDue()
    {
        if (_window.AwaitsFolder && _loading.IsCompleted && time.GetUtcNow() >= _retryAt)
        {
            // Not awaited: the load's turns interleave with the calls that add outputs, which fill the window meanwhile.
            _loading = LoadReferenceAsync(_window.Folder!);
        }
    }

    private async Task LoadReferenceAsync(string folder)
    {
        try
        {
            var images = Directory.EnumerateFiles(folder).Where(f => ImageExtensions.Contains(Path.GetExtension(f)))
                .Order(StringComparer.Ordinal).Take(options.Value.ReferenceSize).ToArray();
            var outputs = new List<DriftSample>(images.Length);
            RequestContext.Set(DriftSampler.Unsampled, true);
            foreach (var chunk in images.Chunk(ReferenceBatch))
            {
                var inputs = new List<InferenceInput>(chunk.Length);
                foreach (var image in chunk)
                {
                    inputs.Add(InferenceInput.FromImage(await File.ReadAllBytesAsync(image)));
                }

                var request = new InferenceRequest(_model, inputs, Lane.Batch, time.GetUtcNow().UtcDateTime + ReferenceDeadline, Version: _version);
                var response = await door.InferAsync(request, routeKey: null, CancellationToken.None);
                outputs.AddRange(response.Items.Where(i => i.Error is null).Select(DriftSampler.ToSample).OfType<DriftSample>());
            }

            _window.UseReference(outputs);
            if (outputs.Count < 2)
            {
                LogFolderUnusable(logger, _model, _version, folder, images.Length, outputs.Count);
            }
            else
            {
                LogFolderLoaded(logger, _model, _version, folder, outputs.Count, images.Length);
            }
        }
        catch (Exception e)
        {
            _retryAt = time.GetUtcNow() + ReferenceRetry;
            LogFolderFailed(logger, _model, _version, folder, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "ALERT drift on model {Model} version {Version}: {Windows} windows in a row drifted at alpha {Alpha}; the last {Statistic} {Score:G4}, p {PValue:F3}; reference {Source} of {ReferenceSize}, windows of {WindowSize}")]
    private static partial void LogAlarm(
        ILogger logger, string model, string version, int windows, double alpha, DriftStatistic statistic, double score, double pValue,
        DriftReferenceSource source, int referenceSize, int windowSize);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drift alarm on model {Model} version {Version} cleared: the last window's p {PValue:F3}")]
    private static partial void LogCleared(ILogger logger, string model, string version, double pValue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drift reference of model {Model} version {Version} loaded from {Folder}: {Outputs} outputs of {Images} images")]
    private static partial void LogFolderLoaded(ILogger logger, string model, string version, string folder, int outputs, int images);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Drift reference folder {Folder} of model {Model} version {Version} gave {Outputs} outputs of {Images} files: the first samples are the reference instead")]
    private static partial void LogFolderUnusable(ILogger logger, string model, string version, string folder, int images, int outputs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loading the drift reference of model {Model} version {Version} from {Folder} failed (tried again later): {Error}")]
    private static partial void LogFolderFailed(ILogger logger, string model, string version, string folder, string error);
}
