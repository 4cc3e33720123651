using Argus.Errors;
using Argus.Inference.Models;
using Argus.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Argus.Grains.Models;

/// <summary>
/// The cluster's model repository (key 0). A change is recorded first and then pushed to every active silo
/// (<see cref="IModelHostGrain"/>), so a silo that joins meanwhile reads it; a load that fails on any silo is taken
/// back out and pushed again, so no silo keeps half of it. Changes are applied one at a time. The state's lists are
/// arrays: Redis storage writes JSON with each value's type, and the types a collection expression makes for an
/// interface cannot be read back.
/// </summary>
internal sealed partial class ModelRepositoryGrain(
    [PersistentState("models")] IPersistentState<RepositoryState> state,
    IOptions<InferenceOptions> inference, IClusterMembershipService membership, TimeProvider time, ILogger<ModelRepositoryGrain> logger)
    : Grain, IModelRepositoryGrain
{
    /// <summary>How long a change waits for the routing table (devices report twice a second) before it answers anyway.</summary>
    private static readonly TimeSpan RoutedTimeout = TimeSpan.FromSeconds(10);

    public Task<RepositoryState> GetAsync() => Task.FromResult(Current);

    public async Task<RepositoryChange> LoadAsync(ModelDefinition definition)
    {
        var options = ModelDefinitions.Parse(definition);
        var problems = options.Validate($"Model {options.Identity}").ToList();
        if (problems.Count > 0)
        {
            throw new BadInputException(string.Join(" ", problems));
        }

        var current = Current;
        if (current.Loaded.FirstOrDefault(d => d.Ref.Is(definition.Name, definition.Version)) is { } existing)
        {
            if (existing.Json != definition.Json)
            {
                throw new ModelConflictException(
                    $"Model '{definition.Name}' version '{definition.Version}' is already loaded with another definition; unload it first.");
            }
        }
        else if (IsConfigured(definition.Ref) && !current.Unloaded.Any(u => u.Is(definition.Name, definition.Version)))
        {
            throw new ModelConflictException(
                $"Model '{definition.Name}' version '{definition.Version}' is declared in the silos' configuration; name another version.");
        }

        var loaded = current with
        {
            Generation = current.Generation + 1,
            Loaded = current.Loaded.Where(d => !d.Ref.Is(definition.Name, definition.Version)).Append(definition).ToArray(),
            Unloaded = current.Unloaded.Where(u => !u.Is(definition.Name, definition.Version)).ToArray(),
        };
        await SaveAsync(loaded);
        var outcomes = await PushAsync(loaded);
        var key = definition.Ref.ToString();
        var failed = outcomes.Where(o => o.Failures.ContainsKey(key)).ToList();
        if (failed.Count > 0)
        {
            // Back out: no silo keeps a version some silo cannot serve, and no silo that starts later loads it.
            var backedOut = current with { Generation = loaded.Generation + 1 };
            await SaveAsync(backedOut);
            await PushAsync(backedOut);
            throw new BadInputException(
                $"Model '{definition.Name}' version '{definition.Version}' did not load: " +
                string.Join("; ", failed.Select(o => $"{o.Silo}: {o.Failures[key]}")));
        }

        await UntilRoutedAsync(devices => outcomes.All(o => devices.Any(d => d.Silo == o.Silo && d.Find(definition.Name, definition.Version) is not null)));
        LogLoaded(logger, definition.Name, definition.Version, outcomes.Count);
        return new RepositoryChange(definition.Name, definition.Version, outcomes);
    }

    public async Task<RepositoryChange> UnloadAsync(string model, string version)
    {
        var current = Current;
        var inRepository = current.Loaded.Any(d => d.Ref.Is(model, version));
        var configured = IsConfigured(new ModelVersionRef(model, version)) && !current.Unloaded.Any(u => u.Is(model, version));
        if (!inRepository && !configured)
        {
            var known = VersionsOf(current, model);
            throw known.Count == 0 ? new UnknownModelException(model) : new UnknownVersionException(model, version, known);
        }

        if (VersionsOf(current, model).Count == 1)
        {
            throw new ModelConflictException($"Version '{version}' is model '{model}''s only version; load another before unloading it.");
        }

        await RolloutTable.GrainOf(GrainFactory, model).ReleaseAsync(version);
        var unloaded = current with
        {
            Generation = current.Generation + 1,
            Loaded = current.Loaded.Where(d => !d.Ref.Is(model, version)).ToArray(),
            Unloaded = configured ? current.Unloaded.Append(new ModelVersionRef(model, version)).ToArray() : current.Unloaded,
        };
        await SaveAsync(unloaded);
        var outcomes = await PushAsync(unloaded);
        await UntilRoutedAsync(devices => !devices.Any(d => d.Find(model, version) is not null));
        LogUnloaded(logger, model, version, outcomes.Count);
        return new RepositoryChange(model, version, outcomes);
    }

    /// <summary>
    /// Waits (up to <see cref="RoutedTimeout"/>) until the routing table shows the change, so that a caller who is answered
    /// finds the version routed to, or no longer routed to, at once.
    /// </summary>
    private async Task UntilRoutedAsync(Func<IReadOnlyList<Argus.Devices.DeviceLoad>, bool> routed)
    {
        var directory = GrainFactory.GetGrain<Argus.Devices.IDeviceDirectoryGrain>(0);
        var until = time.GetUtcNow() + RoutedTimeout;
        while (!routed(await directory.GetDevicesAsync()) && time.GetUtcNow() < until)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time);
        }
    }

    private RepositoryState Current => state.RecordExists ? state.State : RepositoryState.Empty;

    /// <summary>The versions of <paramref name="model"/> the silos serve by <paramref name="state"/>: configured and not unloaded, and loaded.</summary>
    private List<string> VersionsOf(RepositoryState state, string model) =>
        [.. inference.Value.Models.Where(m => string.Equals(m.Name, model, StringComparison.OrdinalIgnoreCase)).Select(m => m.Version)
            .Except(state.Unloaded.Where(u => string.Equals(u.Name, model, StringComparison.OrdinalIgnoreCase)).Select(u => u.Version))
            .Concat(state.Loaded.Where(d => string.Equals(d.Name, model, StringComparison.OrdinalIgnoreCase)).Select(d => d.Version))
            .Distinct()];

    private bool IsConfigured(ModelVersionRef version) => inference.Value.Models.Any(m => version.Is(m.Name, m.Version));

    private async Task SaveAsync(RepositoryState next)
    {
        state.State = next;
        await state.WriteStateAsync();
    }

    /// <summary>Applies <paramref name="next"/> on every active silo at once; a silo lost meanwhile reads it when it comes back.</summary>
    private async Task<IReadOnlyList<SiloOutcome>> PushAsync(RepositoryState next)
    {
        var silos = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.Name).Order(StringComparer.Ordinal);
        var outcomes = await Task.WhenAll(silos.Select(async silo =>
        {
            try
            {
                return await GrainFactory.GetGrain<IModelHostGrain>($"{silo}/models").ApplyAsync(next);
            }
            catch (Exception e) when (Argus.Devices.SiloLoss.Is(e))
            {
                LogPushLost(logger, silo, e.Message);
                return null;
            }
        }));
        return [.. outcomes.OfType<SiloOutcome>()];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Model} v{Version} loaded on {Silos} silo(s)")]
    private static partial void LogLoaded(ILogger logger, string model, string version, int silos);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Model} v{Version} unloaded from {Silos} silo(s)")]
    private static partial void LogUnloaded(ILogger logger, string model, string version, int silos);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {Silo} was lost while the repository changed ({Error}); it reads the change when it is back")]
    private static partial void LogPushLost(ILogger logger, string silo, string error);
}
