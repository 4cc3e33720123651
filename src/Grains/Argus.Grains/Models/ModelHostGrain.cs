using Argus.Grains.Devices;
using Argus.Models;

namespace Argus.Grains.Models;

/// <summary>The repository's hand on one silo: applies a state with that silo's <see cref="RepositorySync"/>.</summary>
[DevicePlacement]
internal sealed class ModelHostGrain(RepositorySync sync) : Grain, IModelHostGrain
{
    // Loading runs on the thread pool: a model's session and warm-up take seconds that the grain's scheduler must not carry.
    public Task<SiloOutcome> ApplyAsync(RepositoryState state) => Task.Run(() => sync.ApplyAsync(state, CancellationToken.None));
}
