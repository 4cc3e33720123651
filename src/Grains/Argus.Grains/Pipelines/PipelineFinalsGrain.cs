using Argus.Pipelines;
using Orleans.Concurrency;

namespace Argus.Grains.Pipelines;

/// <summary>
/// One minute of a pipeline's finals log, persisted, append-only; closed <see cref="IPipelineFinalsGrain.Grace"/> after its
/// minute. Grain storage writes the whole minute each time, so appends are committed in groups (<see cref="GroupCommit"/>):
/// a busy minute costs one write per write's duration, not one per item. Readers see only the items stored so far
/// (<see cref="_stored"/>), and a log is answered as closed only when its time has passed and every item it took is
/// stored (one that passed the time check before may still be writing). A write that fails takes its items back out, so
/// a log never waits on an item nobody will append again; their item grains append them again.
/// </summary>
[Reentrant]
internal sealed class PipelineFinalsGrain : Grain, IPipelineFinalsGrain
{
    private readonly IPersistentState<List<PipelineItem>> _log;
    private readonly TimeProvider _time;
    private readonly GroupCommit _commit;
    private HashSet<(string Id, int Superseded)>? _held;

    /// <summary>How many items of the log, from its start, are stored: what readers see.</summary>
    private int _stored;

    /// <summary>Completed, and replaced, whenever a write ends; what waiting readers wait on.</summary>
    private TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PipelineFinalsGrain([PersistentState("pipeline-finals")] IPersistentState<List<PipelineItem>> log, TimeProvider time)
    {
        _log = log;
        _time = time;
        _commit = new GroupCommit(WriteAsync);
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stored = _log.State.Count;
        return Task.CompletedTask;
    }

    private DateTime ClosesAt => PipelineMinutes.Parse(this.GetPrimaryKeyString()).Minute + TimeSpan.FromMinutes(1) + IPipelineFinalsGrain.Grace;

    private bool IsClosed => _stored == _log.State.Count && _time.GetUtcNow().UtcDateTime > ClosesAt;

    public async Task<bool> AppendAsync(PipelineItem item)
    {
        _held ??= [.. _log.State.Select(Key)];
        if (_held.Contains(Key(item)))
        {
            if (_log.State.FindIndex(_stored, i => Key(i) == Key(item)) >= 0)
            {
                await _commit.WriteAsync(); // taken, not yet stored: answered once it is
            }

            return true;
        }

        if (_time.GetUtcNow().UtcDateTime > ClosesAt)
        {
            return false;
        }

        _log.State.Add(item);
        _held.Add(Key(item));
        await _commit.WriteAsync();
        return true;
    }

    public async Task<FinalsPage> ReadAsync(int offset, int max, TimeSpan wait, CancellationToken cancellationToken)
    {
        offset = Math.Max(0, offset);
        if (_stored <= offset && !IsClosed && wait > TimeSpan.Zero)
        {
            // Until a write ends (it may have stored an item, or be the last one of a log past its time) or the log's time
            // passes; a reader past the end of a closed log moves on without waiting.
            var untilClosed = ClosesAt - _time.GetUtcNow().UtcDateTime;
            var writing = _stored < _log.State.Count;
            var timeout = writing || untilClosed <= TimeSpan.Zero || untilClosed >= wait ? wait : untilClosed + TimeSpan.FromMilliseconds(1);
            try
            {
                await _written.Task.WaitAsync(timeout, _time, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Nothing came: answered as it stands.
            }
        }

        var items = _log.State.Take(_stored).Skip(offset).Take(Math.Max(0, max)).ToArray();
        return new FinalsPage(items, IsClosed);
    }

    public async Task<bool> ClearAsync()
    {
        if (!IsClosed)
        {
            return false;
        }

        _log.State.Clear();
        _stored = 0;
        _held = null;
        if (_log.RecordExists)
        {
            await _log.ClearStateAsync();
        }

        DeactivateOnIdle();
        return true;
    }

    private static (string Id, int Superseded) Key(PipelineItem item) => (item.Id, item.Superseded.Count);

    /// <summary>Stores the log as it is now; the items appended while it writes wait for the next write.</summary>
    private async Task WriteAsync()
    {
        var count = _log.State.Count;
        try
        {
            await _log.WriteStateAsync();
            _stored = count;
        }
        catch
        {
            // Not stored: no reader has seen them, and their item grains append them again.
            foreach (var item in _log.State.Skip(_stored).Take(count - _stored))
            {
                _held?.Remove(Key(item));
            }

            _log.State.RemoveRange(_stored, count - _stored);
            throw;
        }
        finally
        {
            var written = _written;
            _written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            written.SetResult();
        }
    }
}
