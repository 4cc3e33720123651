using Argus.LoadTesting.Load;
using Argus.LoadTesting.Targets;

namespace Argus.LoadTesting.Reports;

/// <summary>A finished sweep: what was measured, how, and every level's result.</summary>
/// <param name="Target">The target's description.</param>
/// <param name="Options">The sweep's options.</param>
/// <param name="Steps">One result per level, in order.</param>
public sealed record LoadReport(string Target, LoadSweepOptions Options, IReadOnlyList<StepResult> Steps)
{
    /// <summary>Every device that answered at some level.</summary>
    public IReadOnlyList<DeviceInfo> Devices => [.. Steps.SelectMany(s => s.Devices).Select(d => d.Device).Distinct().OrderBy(d => d.Key, StringComparer.Ordinal)];

    /// <summary>True when a simulated device answered anything: every report then says so.</summary>
    public bool Simulated => Devices.Any(d => d.IsSimulated);

    /// <summary>The warning every report carries when <see cref="Simulated"/>; null otherwise.</summary>
    public string? SimulationWarning => Simulated
        ? $"SIMULATED: devices of kind '{DeviceInfo.SimulatedKind}' answered ({string.Join(", ", Devices.Where(d => d.IsSimulated).Select(d => d.Key))}): "
          + "their latencies come from a latency profile, not from running the model."
        : null;

    /// <summary>What a level is called: callers or requests per second.</summary>
    public string LoadName => Options.Mode == LoadMode.Concurrency ? "Concurrency" : "Requests/s";
}
