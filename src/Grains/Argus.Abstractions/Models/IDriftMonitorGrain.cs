using Orleans.Concurrency;

namespace Argus.Models;

/// <summary>
/// The drift checks of one model version, keyed <c>{model in lower case}/{version}</c> (<see cref="DriftMonitors.GrainOf"/>):
/// a reference of outputs and a window of recent ones, tested each time the window is full of new outputs. Held in
/// memory: a monitor that is deactivated starts over.
/// </summary>
[Alias("Argus.Models.IDriftMonitorGrain")]
public interface IDriftMonitorGrain : IGrainWithStringKey
{
    /// <summary>Adds a silo's sampled outputs, tests every window they fill, and answers the status after.</summary>
    [Alias("Add")]
    Task<DriftStatus> AddAsync(Immutable<IReadOnlyList<DriftSample>> samples);

    /// <summary>The status; null while the monitor has neither a reference nor any sample.</summary>
    [AlwaysInterleave]
    [Alias("GetStatus")]
    Task<DriftStatus?> GetStatusAsync();
}
