namespace Argus.Grains;

/// <summary>A persisted set of ids, so the things they name can be listed: cameras and pipelines (key 0), a pipeline's backfills (its id).</summary>
internal abstract class IdRegistryGrain(IPersistentState<HashSet<string>> ids) : Grain
{
    public async Task AddAsync(string id)
    {
        if (ids.State.Add(id))
        {
            await ids.WriteStateAsync();
        }
    }

    public async Task RemoveAsync(string id)
    {
        if (ids.State.Remove(id))
        {
            await ids.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. ids.State.Order(StringComparer.Ordinal)]);
}
