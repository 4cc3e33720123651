namespace Argus.Cameras;

/// <summary>The set of configured cameras, so they can be listed and every camera kept running.</summary>
[Alias("Argus.Cameras.ICameraRegistryGrain")]
public interface ICameraRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Records a camera as configured.</summary>
    [Alias("Add")]
    [ResponseTimeout(CameraCalls.Timeout)]
    Task AddAsync(string camera);

    /// <summary>Forgets a camera.</summary>
    [Alias("Remove")]
    [ResponseTimeout(CameraCalls.Timeout)]
    Task RemoveAsync(string camera);

    /// <summary>Every configured camera's id, sorted.</summary>
    [Alias("List")]
    [ResponseTimeout(CameraCalls.Timeout)]
    Task<IReadOnlyList<string>> ListAsync();
}
