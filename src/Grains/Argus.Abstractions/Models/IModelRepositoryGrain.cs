using Orleans.Concurrency;

namespace Argus.Models;

/// <summary>
/// The cluster's model repository (key 0, persisted): versions loaded and unloaded at run time, on every active silo
/// at once, in the shape of Triton's model repository extension.
/// </summary>
[Alias("Argus.Models.IModelRepositoryGrain")]
public interface IModelRepositoryGrain : IGrainWithIntegerKey
{
    /// <summary>The repository's changes to the configured versions.</summary>
    [AlwaysInterleave]
    [Alias("Get")]
    Task<RepositoryState> GetAsync();

    /// <summary>
    /// Loads a version on every active silo and records it, so silos that start later load it too. A version that fails
    /// to load on any silo is unloaded from the others and not recorded.
    /// </summary>
    /// <exception cref="Errors.BadInputException">The definition is invalid, its files leave the model root, or it does not load (the reason per silo).</exception>
    /// <exception cref="Errors.ModelConflictException">The version is already defined differently.</exception>
    [Alias("Load")]
    Task<RepositoryChange> LoadAsync(ModelDefinition definition);

    /// <summary>
    /// Unloads a version from every active silo (each first answers the items it holds) and records it. A version a
    /// rollout uses as canary or shadow leaves the rollout.
    /// </summary>
    /// <exception cref="Errors.UnknownVersionException">No silo serves the version.</exception>
    /// <exception cref="Errors.ModelConflictException">It is the stable version of the model's rollout, or the model's only version.</exception>
    [Alias("Unload")]
    Task<RepositoryChange> UnloadAsync(string model, string version);
}
