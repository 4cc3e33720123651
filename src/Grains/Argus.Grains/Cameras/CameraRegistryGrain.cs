using Argus.Cameras;

namespace Argus.Grains.Cameras;

/// <summary>The set of configured cameras (key 0), persisted, so cameras can be listed and kept running.</summary>
internal sealed class CameraRegistryGrain([PersistentState("cameras")] IPersistentState<HashSet<string>> cameras)
    : Grain, ICameraRegistryGrain
{
    public async Task AddAsync(string camera)
    {
        if (cameras.State.Add(camera))
        {
            await cameras.WriteStateAsync();
        }
    }

    public async Task RemoveAsync(string camera)
    {
        if (cameras.State.Remove(camera))
        {
            await cameras.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. cameras.State.Order(StringComparer.Ordinal)]);
}
