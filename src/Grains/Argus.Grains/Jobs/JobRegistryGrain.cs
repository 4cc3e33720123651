using Argus.Jobs;

namespace Argus.Grains.Jobs;

/// <summary>Every job's id (key 0), persisted.</summary>
internal sealed class JobRegistryGrain([PersistentState("jobs")] IPersistentState<HashSet<string>> jobs) : Grain, IJobRegistryGrain
{
    public async Task AddAsync(string job)
    {
        if (jobs.State.Add(job))
        {
            await jobs.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. jobs.State.Order(StringComparer.Ordinal)]);
}
