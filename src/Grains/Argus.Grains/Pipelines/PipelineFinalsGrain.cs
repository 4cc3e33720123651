using Argus.Pipelines;

namespace Argus.Grains.Pipelines;

/// <summary>One minute of a pipeline's finals log, persisted, append-only; closed <see cref="IPipelineFinalsGrain.Grace"/> after its minute.</summary>
internal sealed class PipelineFinalsGrain([PersistentState("pipeline-finals")] IPersistentState<List<PipelineItem>> log, TimeProvider time)
    : Grain, IPipelineFinalsGrain
{
    private HashSet<(string Id, int Superseded)>? _held;

    private bool IsClosed => time.GetUtcNow().UtcDateTime > PipelineMinutes.Parse(this.GetPrimaryKeyString()).Minute + TimeSpan.FromMinutes(1) + IPipelineFinalsGrain.Grace;

    public async Task<bool> AppendAsync(PipelineItem item)
    {
        _held ??= [.. log.State.Select(i => (i.Id, i.Superseded.Count))];
        if (_held.Contains((item.Id, item.Superseded.Count)))
        {
            return true;
        }

        if (IsClosed)
        {
            return false;
        }

        log.State.Add(item);
        _held.Add((item.Id, item.Superseded.Count));
        await log.WriteStateAsync();
        return true;
    }

    public Task<FinalsPage> ReadAsync(int offset, int max, TimeSpan wait)
    {
        var items = log.State.Skip(Math.Max(0, offset)).Take(Math.Max(0, max)).ToArray();
        return Task.FromResult(new FinalsPage(items, IsClosed));
    }
}
