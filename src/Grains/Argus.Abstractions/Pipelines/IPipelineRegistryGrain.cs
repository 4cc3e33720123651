namespace Argus.Pipelines;

/// <summary>The set of pipelines (key 0), so they can be listed.</summary>
[Alias("Argus.Pipelines.IPipelineRegistryGrain")]
public interface IPipelineRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Records a pipeline.</summary>
    [Alias("Add")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task AddAsync(string pipeline);

    /// <summary>Forgets a pipeline.</summary>
    [Alias("Remove")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task RemoveAsync(string pipeline);

    /// <summary>Every pipeline's id, sorted.</summary>
    [Alias("List")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task<IReadOnlyList<string>> ListAsync();
}
