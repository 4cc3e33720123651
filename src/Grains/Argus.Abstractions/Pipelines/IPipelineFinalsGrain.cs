using Orleans.Concurrency;

namespace Argus.Pipelines;

/// <summary>
/// The log of the items of a pipeline that became final (or failed, or were re-scored by a backfill) in one UTC minute,
/// keyed <see cref="PipelineMinutes.KeyOf"/> with the time of the append; persisted. It is what SSE streams, the SDK
/// watches and webhooks deliver, read in order from an offset. A minute's log closes <see cref="Grace"/> after the
/// minute ends and takes no more, so a reader that has read a closed log to its end has seen all of it.
/// </summary>
[Alias("Argus.Pipelines.IPipelineFinalsGrain")]
public interface IPipelineFinalsGrain : IGrainWithStringKey
{
    /// <summary>How long after its minute a log still takes appends: longer than an item grain's write and append take.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Appends the item unless this log holds it already (the same id and the same number of superseded results); false
    /// when the log is closed, and the caller appends to the current minute's log instead.
    /// </summary>
    [Alias("Append")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task<bool> AppendAsync(PipelineItem item);

    /// <summary>
    /// Up to <paramref name="max"/> items from <paramref name="offset"/> on. When none is there yet and the log is open,
    /// waits up to <paramref name="wait"/> (less than <see cref="PipelineCalls.Timeout"/>) for one, or for the log to
    /// close. Readers never hold up appends, and a log is only answered as closed when no append is in flight.
    /// </summary>
    [Alias("Read")]
    [AlwaysInterleave]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task<FinalsPage> ReadAsync(int offset, int max, TimeSpan wait, CancellationToken cancellationToken = default);

    /// <summary>Removes the log from the store, once its items have expired; false, and nothing removed, while it is open.</summary>
    [Alias("Clear")]
    [ResponseTimeout(PipelineCalls.Timeout)]
    Task<bool> ClearAsync();
}

/// <summary>A page of a minute's finals log.</summary>
/// <param name="Items">The items from the offset asked for, in the order they were appended.</param>
/// <param name="Closed">True when the log takes no more items: a reader past its last item moves on to the next minute.</param>
[GenerateSerializer, Immutable, Alias("Argus.Pipelines.FinalsPage")]
public sealed record FinalsPage([property: Id(0)] IReadOnlyList<PipelineItem> Items, [property: Id(1)] bool Closed);
