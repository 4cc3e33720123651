using Argus.Pipelines;

namespace Argus.Grains.Pipelines;

/// <summary>
/// One minute of a pipeline's finals log, persisted, append-only; closed <see cref="IPipelineFinalsGrain.Grace"/> after its
/// minute. Appends take turns; reads interleave with them and see an item once it is written, and a log is answered as
/// closed only when its time has passed and no append is in flight (one that passed the time check before may still be
/// writing).
/// </summary>
internal sealed class PipelineFinalsGrain([PersistentState("pipeline-finals")] IPersistentState<List<PipelineItem>> log, TimeProvider time)
    : Grain, IPipelineFinalsGrain
{
    private HashSet<(string Id, int Superseded)>? _held;

    /// <summary>Whether an append is writing its item: the last item of the list is not yet stored.</summary>
    private bool _appending;

    /// <summary>Completed, and replaced, whenever an append ends; what waiting readers wait on.</summary>
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DateTime ClosesAt => PipelineMinutes.Parse(this.GetPrimaryKeyString()).Minute + TimeSpan.FromMinutes(1) + IPipelineFinalsGrain.Grace;

    private bool IsClosed => !_appending && time.GetUtcNow().UtcDateTime > ClosesAt;

    private int Stored => _appending ? log.State.Count - 1 : log.State.Count;

    public async Task<bool> AppendAsync(PipelineItem item)
    {
        _held ??= [.. log.State.Select(i => (i.Id, i.Superseded.Count))];
        if (_held.Contains((item.Id, item.Superseded.Count)))
        {
            return true;
        }

        if (time.GetUtcNow().UtcDateTime > ClosesAt)
        {
            return false;
        }

        log.State.Add(item);
        _appending = true;
        try
        {
            await log.WriteStateAsync();
            _held.Add((item.Id, item.Superseded.Count));
        }
        catch
        {
            // Not stored: no reader has seen it, and the item grain appends it again.
            log.State.RemoveAt(log.State.Count - 1);
            throw;
        }
        finally
        {
            _appending = false;
            var appended = _appended;
            _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            appended.SetResult();
        }

        return true;
    }

    public async Task<FinalsPage> ReadAsync(int offset, int max, TimeSpan wait, CancellationToken cancellationToken)
    {
        offset = Math.Max(0, offset);
        if (Stored <= offset && !IsClosed && wait > TimeSpan.Zero)
        {
            // Until an append ends (it may have stored an item, or be the last one in flight of a log past its time) or the
            // log's time passes; a reader past the end of a closed log moves on without waiting.
            var untilClosed = ClosesAt - time.GetUtcNow().UtcDateTime;
            var timeout = _appending || untilClosed <= TimeSpan.Zero || untilClosed >= wait ? wait : untilClosed + TimeSpan.FromMilliseconds(1);
            try
            {
                await _appended.Task.WaitAsync(timeout, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Nothing came: answered as it stands.
            }
        }

        var items = log.State.Take(Stored).Skip(offset).Take(Math.Max(0, max)).ToArray();
        return new FinalsPage(items, IsClosed);
    }
}
