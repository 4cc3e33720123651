using Argus.Devices;
using Argus.Inference.Devices;
using Argus.Inference.Models;
using Argus.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Argus.Grains.Models;

/// <summary>
/// Brings this silo's devices to the versions the configuration and the model repository say: the repository pushes
/// every change (<see cref="IModelHostGrain"/>), and this silo reads it once its configured models are warm and every
/// <see cref="Period"/> after, so a silo that starts later, restarts or missed a push serves the same set. One state
/// is applied at a time and an older state never undoes a newer one.
/// </summary>
internal sealed partial class RepositorySync(
    DeviceRuntime runtime, IOptions<InferenceOptions> options, IGrainFactory grains, ILocalSiloDetails silo, TimeProvider time,
    ILogger<RepositorySync> logger) : BackgroundService
{
    /// <summary>How often the repository is read besides its pushes.</summary>
    internal static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _applied = -1;

    /// <summary>Loads and unloads versions until the devices serve what <paramref name="state"/> says.</summary>
    public async Task<SiloOutcome> ApplyAsync(RepositoryState state, CancellationToken cancellationToken)
    {
        await runtime.Ready.WaitAsync(cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Dictionary<string, string> failures = [];
            if (state.Generation < _applied)
            {
                return new SiloOutcome(silo.Name, failures);
            }

            var wanted = Wanted(state);
            var loaded = runtime.Devices[0].Models.Select(m => new ModelVersionRef(m.Name, m.Version)).ToList();
            foreach (var version in loaded.Where(l => !wanted.Any(w => w.Ref.Is(l.Name, l.Version))))
            {
                LogUnloading(logger, version.Name, version.Version);
                await runtime.UnloadAsync(version.Name, version.Version, cancellationToken);
            }

            foreach (var (version, definition) in wanted.Where(w => !loaded.Any(l => l.Is(w.Ref.Name, w.Ref.Version))))
            {
                try
                {
                    await runtime.LoadAsync(definition(), cancellationToken);
                }
                catch (Exception e) when (e is ModelLoadException or Errors.BadInputException)
                {
                    LogLoadFailed(logger, version.Name, version.Version, e.Message);
                    failures[version.ToString()] = e.Message;
                }
            }

            _applied = state.Generation;
            return new SiloOutcome(silo.Name, failures);
        }
        finally
        {
            _gate.Release();
        }
    }

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
                var state = await grains.GetGrain<IModelRepositoryGrain>(0).GetAsync().WaitAsync(DeviceTable.ReadTimeout, time, stoppingToken);
                if (state.Generation > Volatile.Read(ref _applied))
                {
                    await ApplyAsync(state, stoppingToken);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogReadFailed(logger, e.Message); // the cluster may still be forming; the next period reads again
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>The configured versions the repository did not unload, then the repository's, each with how to load it.</summary>
    private List<(ModelVersionRef Ref, Func<ModelOptions> Definition)> Wanted(RepositoryState state)
    {
        List<(ModelVersionRef, Func<ModelOptions>)> wanted = [];
        foreach (var m in options.Value.Models.Where(m => !state.Unloaded.Any(u => u.Is(m.Name, m.Version))))
        {
            wanted.Add((new ModelVersionRef(m.Name, m.Version), () => m));
        }

        foreach (var d in state.Loaded)
        {
            wanted.RemoveAll(w => w.Item1.Is(d.Name, d.Version));
            wanted.Add((d.Ref, () => ModelDefinitions.Parse(d)));
        }

        return wanted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloading model {Model} v{Version}: the repository no longer lists it")]
    private static partial void LogUnloading(ILogger logger, string model, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model} v{Version} from the repository failed to load: {Reason}")]
    private static partial void LogLoadFailed(ILogger logger, string model, string version, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading the model repository failed: {Error}")]
    private static partial void LogReadFailed(ILogger logger, string error);
}
