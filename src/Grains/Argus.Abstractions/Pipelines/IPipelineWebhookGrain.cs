namespace Argus.Pipelines;

/// <summary>
/// Delivers a pipeline's finals to its spec's <see cref="PipelineSpec.Webhook"/>, keyed by the pipeline's id: batches of
/// up to <see cref="FinalsReader.MaxItems"/> items in log order, each posted until the receiver answers 2xx (at least
/// once, in order), from a persisted cursor; a reminder keeps it going on whichever silo it lives. The pipeline's grain
/// starts it when a spec with a webhook is put and stops it when the webhook is removed or the pipeline deleted.
/// </summary>
[Alias("Argus.Pipelines.IPipelineWebhookGrain")]
public interface IPipelineWebhookGrain : IGrainWithStringKey
{
    /// <summary>Starts delivering the finals from now on; one that delivers already goes on from its cursor.</summary>
    [Alias("Start")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task StartAsync();

    /// <summary>Stops delivering and forgets the cursor and counts; a later start begins from then.</summary>
    [Alias("Stop")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task StopAsync();

    /// <summary>Where delivery stands.</summary>
    [Alias("GetStatus")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task<WebhookStatus> GetStatusAsync();
}

/// <summary>Where a pipeline's webhook delivery stands.</summary>
/// <param name="Active">Whether it delivers.</param>
/// <param name="Cursor">The event id (<see cref="FinalsCursor"/>) of the next item to deliver; null when inactive.</param>
/// <param name="Delivered">Items the receiver took (answered 2xx).</param>
/// <param name="Attempts">Posts made, answered or not.</param>
/// <param name="Failures">Posts that failed (no answer in time, or not 2xx).</param>
/// <param name="FailingFor">Posts of the current batch that failed in a row; 0 after a success.</param>
/// <param name="LastError">Why the last failed post failed.</param>
/// <param name="LastSuccessAt">When the receiver last took a batch (UTC).</param>
/// <param name="NextAttemptAt">When the failing batch is posted again (UTC); null when none is failing.</param>
[GenerateSerializer, Immutable, Alias("Argus.Pipelines.WebhookStatus")]
public sealed record WebhookStatus(
    [property: Id(0)] bool Active,
    [property: Id(1)] string? Cursor,
    [property: Id(2)] long Delivered,
    [property: Id(3)] long Attempts,
    [property: Id(4)] long Failures,
    [property: Id(5)] int FailingFor,
    [property: Id(6)] string? LastError,
    [property: Id(7)] DateTime? LastSuccessAt,
    [property: Id(8)] DateTime? NextAttemptAt);
