using Orleans.Concurrency;

namespace Argus.Models;

/// <summary>
/// One model's rollout (keyed by the model's name in lower case, persisted): stable, canary and shadow, the figures
/// every caller reports per version, and the automatic rollback of a canary that breaches stable's error rate or
/// latency by the configured margins.
/// </summary>
[Alias("Argus.Models.IModelRolloutGrain")]
public interface IModelRolloutGrain : IGrainWithStringKey
{
    /// <summary>The rollout.</summary>
    [AlwaysInterleave]
    [Alias("Get")]
    Task<Rollout> GetAsync();

    /// <summary>Sets stable (optionally), canary and shadow with their shares.</summary>
    /// <exception cref="Errors.BadInputException">A percent outside 0–100, a canary or shadow equal to stable.</exception>
    /// <exception cref="Errors.UnknownVersionException">A version no device serves.</exception>
    [Alias("Set")]
    Task<Rollout> SetAsync(RolloutSpec spec);

    /// <summary>Makes the canary stable (the old stable stays loaded, called by version only).</summary>
    /// <exception cref="Errors.ModelConflictException">There is no canary.</exception>
    [Alias("Promote")]
    Task<Rollout> PromoteAsync();

    /// <summary>Takes the canary out: every key goes back to stable.</summary>
    /// <exception cref="Errors.ModelConflictException">There is no canary.</exception>
    [Alias("Rollback")]
    Task<Rollout> RollbackAsync(string reason);

    /// <summary>The versions' figures over the last window.</summary>
    [AlwaysInterleave]
    [Alias("Compare")]
    Task<RolloutComparison> CompareAsync();

    /// <summary>
    /// Adds a caller's figures for the last period. Answered (not one-way), so a client that reports as it stops knows
    /// its last figures arrived before it closes its connection.
    /// </summary>
    [Alias("Report")]
    Task ReportAsync(RolloutReport report);

    /// <summary>Takes <paramref name="version"/> out of the rollout before it is unloaded.</summary>
    /// <exception cref="Errors.ModelConflictException">It is the stable version.</exception>
    [Alias("Release")]
    Task ReleaseAsync(string version);
}
