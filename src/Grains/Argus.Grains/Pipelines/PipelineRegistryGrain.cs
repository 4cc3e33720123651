using Argus.Pipelines;

namespace Argus.Grains.Pipelines;

/// <summary>The set of pipelines (key 0), persisted, so pipelines can be listed.</summary>
internal sealed class PipelineRegistryGrain([PersistentState("pipelines")] IPersistentState<HashSet<string>> pipelines)
    : Grain, IPipelineRegistryGrain
{
    public async Task AddAsync(string pipeline)
    {
        if (pipelines.State.Add(pipeline))
        {
            await pipelines.WriteStateAsync();
        }
    }

    public async Task RemoveAsync(string pipeline)
    {
        if (pipelines.State.Remove(pipeline))
        {
            await pipelines.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. pipelines.State.Order(StringComparer.Ordinal)]);
}
