namespace Argus.Grains.Tests;

/// <summary>
/// Group commit on one exclusive scheduler, as a reentrant grain's turns run: the writes are gated by the test, so what
/// waits for which write is known exactly.
/// </summary>
public sealed class GroupCommitTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly List<TaskCompletionSource> _writes = [];
    private readonly GroupCommit _commit;

    public GroupCommitTests() => _commit = new GroupCommit(() =>
    {
        var write = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _writes.Add(write);
        return write.Task;
    });

    [Fact]
    public Task Changes_made_while_a_write_runs_wait_together_for_the_next_one() => OnOneThreadAsync(async () =>
    {
        var first = _commit.WriteAsync();
        await WritesStartedAsync(1);

        var second = _commit.WriteAsync();
        var third = _commit.WriteAsync();
        Assert.Same(second, third);
        await Task.Yield();
        Assert.Single(_writes); // none starts while one runs

        _writes[0].SetResult();
        await first;
        await WritesStartedAsync(2);
        Assert.False(second.IsCompleted); // the write it waits for started after it was asked

        var fourth = _commit.WriteAsync(); // asked after the second write started: waits for a third
        Assert.NotSame(second, fourth);
        _writes[1].SetResult();
        await second;
        await WritesStartedAsync(3);
        _writes[2].SetResult();
        await fourth;
        Assert.Equal(3, _writes.Count);
    });

    [Fact]
    public Task A_failed_write_fails_its_callers_and_the_next_write_still_runs() => OnOneThreadAsync(async () =>
    {
        var first = _commit.WriteAsync();
        await WritesStartedAsync(1);
        var second = _commit.WriteAsync();

        _writes[0].SetException(new InvalidOperationException("storage down"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await WritesStartedAsync(2);
        _writes[1].SetResult();
        await second;
    });

    private async Task WritesStartedAsync(int count)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (_writes.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"write {count} never started");
            await Task.Yield();
        }
    }

    /// <summary>Runs <paramref name="test"/> with every continuation on one exclusive scheduler, as a grain's turns.</summary>
    private static Task OnOneThreadAsync(Func<Task> test) =>
        Task.Factory.StartNew(test, CancellationToken.None, TaskCreationOptions.None, new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler).Unwrap();
}
