namespace Argus.Models;

/// <summary>
/// One silo's side of the model repository, keyed <c>{silo}/models</c> and placed on that silo: brings the versions
/// on its devices to what the configuration and the repository's state say.
/// </summary>
[Alias("Argus.Models.IModelHostGrain")]
public interface IModelHostGrain : IGrainWithStringKey
{
    /// <summary>
    /// Loads what <paramref name="state"/> adds and unloads what it takes away (each unloaded version first answers
    /// the items it holds); a state older than one already applied is ignored. The outcome lists the versions that
    /// failed to load, with the reason.
    /// </summary>
    [Alias("Apply")]
    Task<SiloOutcome> ApplyAsync(RepositoryState state);
}
