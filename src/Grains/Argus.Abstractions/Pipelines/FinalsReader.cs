using Argus.Devices;

namespace Argus.Pipelines;

/// <summary>
/// Reads a pipeline's finals in order across its minute logs, for SSE, the SDK and webhooks alike: a reader moves to the
/// next minute only when a log is closed and read to its end, so it sees every item once, and waits on the log it is at
/// (up to <see cref="Wait"/> a call). A read lost with its log's silo is made again: reads change nothing.
/// </summary>
public static class FinalsReader
{
    /// <summary>The most items one read answers (and one webhook delivery carries).</summary>
    public const int MaxItems = 100;

    /// <summary>How long one read waits for an item: well within a grain call's timeout.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    /// <summary>How long a read lost with its log's silo waits before it is made again.</summary>
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The items from <paramref name="from"/> on (at most <paramref name="max"/>, all from one log), after waiting up to
    /// <paramref name="wait"/> for one; none when none came. Closed logs read to their end are passed on the way.
    /// </summary>
    public static async Task<FinalsBatch> ReadAsync(
        IGrainFactory grains, string pipeline, FinalsCursor from, int max, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        while (true)
        {
            FinalsPage page;
            try
            {
                page = await grains.GetGrain<IPipelineFinalsGrain>(PipelineMinutes.KeyOf(pipeline, from.Minute))
                    .ReadAsync(from.Offset, max, wait, cancellationToken);
            }
            catch (Exception e) when (SiloLoss.Is(e) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(Retry, time, cancellationToken);
                continue;
            }

            if (page.Items.Count > 0 || !page.Closed)
            {
                return new FinalsBatch(from, page.Items);
            }

            from = from.NextMinute();
        }
    }
}

/// <summary>Items read from a pipeline's finals, in order.</summary>
/// <param name="From">The place of the first (where the read started when there are none).</param>
/// <param name="Items">The items, all from the log of <see cref="FinalsCursor.Minute"/> of <paramref name="From"/>.</param>
public sealed record FinalsBatch(FinalsCursor From, IReadOnlyList<PipelineItem> Items)
{
    /// <summary>Where the next read starts.</summary>
    public FinalsCursor Next => From.After(Items.Count);

    /// <summary>The event id of item <paramref name="index"/>.</summary>
    public FinalsCursor IdOf(int index) => From.After(index);
}
