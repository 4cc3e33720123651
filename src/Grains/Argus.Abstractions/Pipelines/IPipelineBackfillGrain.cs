using Orleans.Concurrency;

namespace Argus.Pipelines;

/// <summary>
/// A backfill of a pipeline, keyed <see cref="BackfillSpec.KeyOf"/>; persisted with its checkpoint, so it resumes where it
/// was after its silo was lost.
/// </summary>
[Alias("Argus.Pipelines.IPipelineBackfillGrain")]
public interface IPipelineBackfillGrain : IGrainWithStringKey
{
    /// <summary>Starts the backfill, or answers the one already started under this key (whatever <paramref name="spec"/> says).</summary>
    [Alias("Start")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task<BackfillStatus> StartAsync(BackfillSpec spec);

    /// <summary>Its progress; null when no backfill has this key. Answered while a page of items is out.</summary>
    [Alias("Get")]
    [AlwaysInterleave]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task<BackfillStatus?> GetAsync();

    /// <summary>
    /// Cancels it if it is running (the items already re-scored keep their new results) and answers its status; null when
    /// no backfill has this key.
    /// </summary>
    [Alias("Cancel")]
    [ResponseTimeout(PipelineCalls.RescoreTimeout)]
    Task<BackfillStatus?> CancelAsync();
}
