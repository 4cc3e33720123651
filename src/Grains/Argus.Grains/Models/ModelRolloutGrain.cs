using Argus.Devices;
using Argus.Errors;
using Argus.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Argus.Grains.Models;

/// <summary>
/// One model's rollout (<see cref="IModelRolloutGrain"/>). The rollout is persisted; the figures are not (a window of
/// <see cref="RolloutOptions.WindowSeconds"/> in one-second slots refills within a window after a move). Every
/// <see cref="CheckPeriod"/> while a canary serves, <see cref="RollbackRule"/> judges it against stable, and a breach
/// takes the canary out, logged and kept in the history with its figures, and counted in
/// <c>argus_rollout_rollbacks_total</c>.
/// </summary>
internal sealed partial class ModelRolloutGrain(
    [PersistentState("rollout")] IPersistentState<Rollout> state,
    IOptions<RolloutOptions> options, IOptions<Drift.DriftOptions> drift, RolloutInstruments instruments, TimeProvider time, ILogger<ModelRolloutGrain> logger)
    : Grain, IModelRolloutGrain
{
    internal static readonly TimeSpan CheckPeriod = TimeSpan.FromSeconds(2);

    private const int HistoryLength = 20;

    private readonly Queue<(long Second, Dictionary<(string Version, bool Shadow), VersionWindow> Windows)> _slots = new();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(CheckAsync, new GrainTimerCreationOptions(CheckPeriod, CheckPeriod) { Interleave = false });
        return Task.CompletedTask;
    }

    public Task<Rollout> GetAsync() => Task.FromResult(Current);

    public async Task<Rollout> SetAsync(RolloutSpec spec)
    {
        var current = Current;
        var entries = ServedModel.Of(await GrainFactory.GetGrain<IDeviceDirectoryGrain>(0).GetDevicesAsync(), Model).ToList();
        var stable = spec.Stable ?? current.Stable ?? entries.FirstOrDefault(m => m.IsDefault)?.Version;
        if (spec.Problems(stable) is { Count: > 0 } problems)
        {
            throw new BadInputException(string.Join(" ", problems));
        }

        var served = entries.Select(m => m.Version).ToHashSet();
        foreach (var version in new[] { spec.Stable, spec.Canary, spec.Shadow }.OfType<string>().Distinct())
        {
            if (!served.Contains(version))
            {
                throw new UnknownVersionException(Model, version, [.. served.Order(StringComparer.Ordinal)]);
            }
        }

        return await ChangeAsync(current with
        {
            Stable = stable,
            Canary = spec.Canary,
            CanaryPercent = spec.Canary is null ? 0 : spec.CanaryPercent,
            Shadow = spec.Shadow,
            ShadowPercent = spec.Shadow is null ? 0 : spec.ShadowPercent,
            ComparePercent = spec.ComparePercent,
        }, "set", Describe(stable, spec));
    }

    public async Task<Rollout> PromoteAsync()
    {
        var current = Current;
        var canary = current.Canary ?? throw new ModelConflictException($"Model '{Model}' has no canary to promote.");
        return await ChangeAsync(
            current with { Stable = canary, Canary = null, CanaryPercent = 0 }, "promote",
            $"Version '{canary}' is stable; '{current.Stable}' stays loaded and answers calls that name it.");
    }

    public async Task<Rollout> RollbackAsync(string reason)
    {
        var current = Current;
        var canary = current.Canary ?? throw new ModelConflictException($"Model '{Model}' has no canary to roll back.");
        return await ChangeAsync(current with { Canary = null, CanaryPercent = 0 }, "rollback",
            $"Canary '{canary}' rolled back{(string.IsNullOrWhiteSpace(reason) ? "" : $": {reason}")}.");
    }

    public async Task<RolloutComparison> CompareAsync()
    {
        var rollout = Current;
        var merged = Merged();
        var versions = merged.Keys.Select(k => k.Version).Append(rollout.Stable).Append(rollout.Canary).Append(rollout.Shadow)
            .OfType<string>().Distinct()
            .OrderBy(v => rollout.RoleOf(v) switch { "stable" => 0, "canary" => 1, "shadow" => 2, _ => 3 }).ThenBy(v => v, StringComparer.Ordinal);
        var compared = versions.ToList();
        IReadOnlyList<DriftStatus> checks = drift.Value.Enabled
            ? [.. (await Task.WhenAll(compared.Select(v => DriftMonitors.GrainOf(GrainFactory, Model, v).GetStatusAsync()))).OfType<DriftStatus>()]
            : [];
        return new RolloutComparison(rollout, options.Value.WindowSeconds, [.. compared.Select(v =>
        {
            var served = merged.GetValueOrDefault((v, false)) ?? Empty(v, false);
            var copies = merged.GetValueOrDefault((v, true)) ?? Empty(v, true);
            double? Quantile(double q) => served.Latency.Count == 0 ? null : served.Latency.Quantile(q);
            return new VersionComparison(
                v, rollout.RoleOf(v), served.Items, Rate(served.Errors, served.Items), Quantile(0.50), Quantile(0.95), Quantile(0.99),
                copies.Items, Rate(copies.Errors, copies.Items), copies.Dropped,
                served.AgreementItems == 0 ? null : served.AgreementSum / served.AgreementItems, served.AgreementItems);
        })], checks);
    }

    public Task ReportAsync(RolloutReport report)
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        if (_slots.Count == 0 || _slots.Last().Second != second)
        {
            _slots.Enqueue((second, []));
        }

        var slot = _slots.Last().Windows;
        foreach (var w in report.Versions)
        {
            slot[(w.Version, w.Shadow)] = slot.TryGetValue((w.Version, w.Shadow), out var seen) ? Add(seen, w) : w;
        }

        Trim();
        return Task.CompletedTask;
    }

    public async Task ReleaseAsync(string version)
    {
        var current = Current;
        if (version == current.Stable)
        {
            throw new ModelConflictException(
                $"Version '{version}' is model '{Model}''s stable version; make another version stable (promote a canary) before unloading it.");
        }

        if (version == current.Canary || version == current.Shadow)
        {
            await ChangeAsync(current with
            {
                Canary = version == current.Canary ? null : current.Canary,
                CanaryPercent = version == current.Canary ? 0 : current.CanaryPercent,
                Shadow = version == current.Shadow ? null : current.Shadow,
                ShadowPercent = version == current.Shadow ? 0 : current.ShadowPercent,
            }, "set", $"Version '{version}' left the rollout: it is being unloaded.");
        }
    }

    private string Model => this.GetPrimaryKeyString();

    private Rollout Current => state.RecordExists ? state.State : Rollout.None(Model);

    private async Task CheckAsync()
    {
        var rollout = Current;
        if (rollout is not { Canary: { } canary, Stable: { } stable })
        {
            return;
        }

        var merged = Merged();
        var decision = RollbackRule.Decide(options.Value, Figures(merged, stable), Figures(merged, canary));
        if (decision.Verdict == RollbackVerdict.RollBack)
        {
            LogAutoRollback(logger, Model, canary, decision.Reason);
            instruments.RolledBack(Model, canary);
            await ChangeAsync(rollout with { Canary = null, CanaryPercent = 0 }, "auto_rollback",
                $"Canary '{canary}' rolled back automatically: {decision.Reason}");
        }

        static VersionFigures Figures(Dictionary<(string, bool), VersionWindow> merged, string version) =>
            merged.GetValueOrDefault((version, false)) is { } w ? new VersionFigures(w.Items, w.Errors, w.Latency) : new VersionFigures(0, 0, LatencyHistogram.Empty);
    }

    private async Task<Rollout> ChangeAsync(Rollout next, string kind, string message)
    {
        var history = Current.History.Append(new RolloutEvent(time.GetUtcNow().UtcDateTime, kind, message)).TakeLast(HistoryLength);
        // An array, not a collection expression: the storage's JSON names each value's type, and must read it back.
        state.State = next with { Model = Model, Revision = Current.Revision + 1, History = history.ToArray() };
        await state.WriteStateAsync();
        if (kind != "auto_rollback")
        {
            LogChanged(logger, Model, kind, message);
        }

        return state.State;
    }

    private Dictionary<(string Version, bool Shadow), VersionWindow> Merged()
    {
        Trim();
        Dictionary<(string, bool), VersionWindow> merged = [];
        foreach (var (_, windows) in _slots)
        {
            foreach (var (key, w) in windows)
            {
                merged[key] = merged.TryGetValue(key, out var seen) ? Add(seen, w) : w;
            }
        }

        return merged;
    }

    private void Trim()
    {
        var oldest = time.GetUtcNow().ToUnixTimeSeconds() - options.Value.WindowSeconds;
        while (_slots.Count > 0 && _slots.Peek().Second <= oldest)
        {
            _slots.Dequeue();
        }
    }

    private static VersionWindow Add(VersionWindow a, VersionWindow b) => a with
    {
        Items = a.Items + b.Items,
        Errors = a.Errors + b.Errors,
        Latency = a.Latency.Merge(b.Latency),
        AgreementSum = a.AgreementSum + b.AgreementSum,
        AgreementItems = a.AgreementItems + b.AgreementItems,
        Dropped = a.Dropped + b.Dropped,
    };

    private static VersionWindow Empty(string version, bool shadow) => new(version, shadow, 0, 0, LatencyHistogram.Empty, 0, 0, 0);

    private static double Rate(long part, long whole) => whole == 0 ? 0 : (double)part / whole;

    private static string Describe(string? stable, RolloutSpec spec) =>
        $"Stable '{stable}'" +
        (spec.Canary is null ? ", no canary" : $", canary '{spec.Canary}' at {spec.CanaryPercent}% (compared on {spec.ComparePercent}%)") +
        (spec.Shadow is null ? ", no shadow." : $", shadow '{spec.Shadow}' on {spec.ShadowPercent}%.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout of model {Model} changed ({Kind}): {Message}")]
    private static partial void LogChanged(ILogger logger, string model, string kind, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ALERT model {Model}: canary {Canary} rolled back automatically: {Reason}")]
    private static partial void LogAutoRollback(ILogger logger, string model, string canary, string reason);
}
