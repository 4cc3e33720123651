using System.Collections.Concurrent;
using Argus.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Argus.Inference.Tests.Video;

/// <summary>A fake clock that remembers when each timer it armed is due, so a test advances only once a wait has begun.</summary>
internal sealed class WatchedTimeProvider(TimeSpan timeout) : FakeTimeProvider
{
    private readonly ConcurrentBag<DateTimeOffset> _armed = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var now = GetUtcNow();
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _armed.Add(now + dueTime);
        return timer;
    }

    public Task WaitForTimerAsync(DateTimeOffset due) =>
        Eventually.HoldsAsync(() => Task.FromResult(_armed.Contains(due)), timeout, $"a timer due at {due:HH:mm:ss.fff}");
}
