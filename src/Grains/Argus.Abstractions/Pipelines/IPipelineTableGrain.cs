namespace Argus.Pipelines;

/// <summary>
/// The finals table of a pipeline (<see cref="PipelineSpec.Output"/>), keyed by the pipeline's id; persisted. On a timer,
/// and after a restart of the cluster on a reminder, it writes each closed minute's finals log as one part, from the minute
/// the output was set on, and moves on only once a part is written, so every minute's part is written whole, once.
/// </summary>
[Alias("Argus.Pipelines.IPipelineTableGrain")]
public interface IPipelineTableGrain : IGrainWithStringKey
{
    /// <summary>
    /// Writes the finals to <paramref name="spec"/>'s output in its format from the current minute on (a table already
    /// writing there in that format goes on from where it is), or stops when the spec is null (the pipeline was removed)
    /// or has no <see cref="PipelineSpec.Output"/>.
    /// </summary>
    [Alias("Write")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task WriteAsync(PipelineSpec? spec);

    /// <summary>The first minute whose part is not yet written (UTC); null when the table writes nothing.</summary>
    [Alias("GetNext")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task<DateTime?> GetNextAsync();
}
