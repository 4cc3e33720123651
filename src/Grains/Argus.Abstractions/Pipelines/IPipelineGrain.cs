namespace Argus.Pipelines;

/// <summary>A two-tier pipeline, keyed by its id; persisted.</summary>
[Alias("Argus.Pipelines.IPipelineGrain")]
public interface IPipelineGrain : IGrainWithStringKey
{
    /// <summary>The pipeline's spec; null when no pipeline has this id.</summary>
    [Alias("Get")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task<PipelineSpec?> GetAsync();

    /// <summary>
    /// When the pipeline was created (UTC), before its first item: where a backfill's window starts by default; null when
    /// no pipeline has this id, or it was created before pipelines kept the time.
    /// </summary>
    [Alias("GetCreatedAt")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task<DateTime?> GetCreatedAtAsync();

    /// <summary>Creates the pipeline or replaces its spec (items already submitted keep the spec they were submitted with).</summary>
    [Alias("Put")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task PutAsync(PipelineSpec spec);

    /// <summary>Removes the pipeline; false when there was none.</summary>
    [Alias("Remove")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task<bool> RemoveAsync();
}
