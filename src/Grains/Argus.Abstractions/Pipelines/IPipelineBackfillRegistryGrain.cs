namespace Argus.Pipelines;

/// <summary>The backfills of one pipeline, keyed by the pipeline's id, so they can be listed.</summary>
[Alias("Argus.Pipelines.IPipelineBackfillRegistryGrain")]
public interface IPipelineBackfillRegistryGrain : IGrainWithStringKey
{
    /// <summary>Records a backfill.</summary>
    [Alias("Add")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task AddAsync(string backfill);

    /// <summary>Every backfill's id, sorted.</summary>
    [Alias("List")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task<IReadOnlyList<string>> ListAsync();
}
