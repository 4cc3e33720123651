using Argus.Pipelines;
using Orleans.Concurrency;

namespace Argus.Grains.Pipelines;

/// <summary>
/// One minute of a pipeline's item index, persisted; entries in memory sorted by (submitted, id). Grain storage writes
/// the whole minute each time, so records are committed in groups: one write in flight, and every record that arrives
/// meanwhile waits for the next one together. A busy minute then costs one write per write's duration, not one per record.
/// </summary>
[Reentrant]
internal sealed class PipelineItemsGrain([PersistentState("pipeline-items")] IPersistentState<Dictionary<string, PipelineItemEntry>> entries)
    : Grain, IPipelineItemsGrain
{
    private static readonly Comparer<PipelineItemEntry> Order = Comparer<PipelineItemEntry>.Create(
        (a, b) => a.SubmittedAt != b.SubmittedAt ? a.SubmittedAt.CompareTo(b.SubmittedAt) : string.CompareOrdinal(a.Id, b.Id));

    private List<PipelineItemEntry>? _sorted;
    private readonly GroupCommit _commit = new(() => entries.WriteStateAsync());

    public async Task RecordAsync(PipelineItemEntry entry)
    {
        if (entries.State.TryGetValue(entry.Id, out var known) && known == entry)
        {
            return;
        }

        entries.State[entry.Id] = entry;
        _sorted = null;
        await _commit.WriteAsync();
    }

    public Task<IReadOnlyList<PipelineItemEntry>> ListAsync(PipelineItemState? state, string? after, int limit)
    {
        _sorted ??= [.. entries.State.Values.Order(Order)];
        var start = 0;
        if (after is not null && entries.State.TryGetValue(after, out var last))
        {
            start = _sorted.BinarySearch(last, Order) + 1;
        }

        List<PipelineItemEntry> page = [];
        for (var i = start; i < _sorted.Count && page.Count < limit; i++)
        {
            if (state is null || _sorted[i].State == state)
            {
                page.Add(_sorted[i]);
            }
        }

        return Task.FromResult<IReadOnlyList<PipelineItemEntry>>(page);
    }

    public async Task ClearAsync()
    {
        entries.State.Clear();
        _sorted = null;
        if (entries.RecordExists)
        {
            await entries.ClearStateAsync();
        }

        DeactivateOnIdle();
    }
}
