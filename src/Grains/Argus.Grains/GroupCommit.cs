namespace Argus.Grains;

/// <summary>
/// Writes a grain's state for many changes at once: at most one write in flight, and every change made while it runs
/// waits for the next write, which starts when it ends. For a [Reentrant] grain whose state is written whole; its turns
/// never run in parallel, so this needs no lock.
/// </summary>
internal sealed class GroupCommit(Func<Task> write)
{
    private Task _current = Task.CompletedTask;
    private Task? _next;

    /// <summary>Completes once a write that started after this call has stored the state.</summary>
    public Task WriteAsync() => _next ??= WriteAfterCurrentAsync();

    private async Task WriteAfterCurrentAsync()
    {
        await Task.Yield(); // so that _next is this task before it is cleared below
        // The earlier write's callers hear of its failure; this one writes the state anew either way.
        await _current.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        _next = null; // changes from here on join the write after this one
        _current = write();
        await _current;
    }
}
