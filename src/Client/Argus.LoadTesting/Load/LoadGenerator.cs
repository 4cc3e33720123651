using Argus.LoadTesting.Targets;

namespace Argus.LoadTesting.Load;

/// <summary>
/// Keeps a target under load and measures it in windows. A window holds the requests sent while it was open, each
/// followed to its end; requests sent between windows (warm-up, the time a window takes to drain) are not counted.
/// </summary>
public abstract class LoadGenerator : IAsyncDisposable
{
    private readonly ILoadTarget _target;
    private readonly ImageSet _images;
    private LatencyRecorder _current = new();

    private protected LoadGenerator(ILoadTarget target, ImageSet images, TimeProvider time, CancellationToken cancellationToken)
    {
        _target = target;
        _images = images;
        Time = time;
        CancellationToken = cancellationToken;
        Stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    private protected TimeProvider Time { get; }

    /// <summary>The caller's token: requests in flight see only this one, so stopping lets them end.</summary>
    private protected CancellationToken CancellationToken { get; }

    /// <summary>Cancelled when the load stops.</summary>
    private protected CancellationTokenSource Stopping { get; }

    /// <summary>Opens a window for <paramref name="length"/>, then waits for its requests to end and summarises them.</summary>
    public async Task<WindowStats> MeasureAsync(TimeSpan length, CancellationToken cancellationToken = default)
    {
        var window = new LatencyRecorder();
        var opened = Time.GetTimestamp();
        Interlocked.Exchange(ref _current, window);
        await Task.Delay(length, Time, cancellationToken);
        Interlocked.Exchange(ref _current, new LatencyRecorder());
        var duration = Time.GetElapsedTime(opened);
        await window.CloseAsync().WaitAsync(cancellationToken);
        return window.Summarize(duration);
    }

    /// <summary>Stops the load and waits for every request in flight.</summary>
    public abstract ValueTask DisposeAsync();

    /// <summary>Sends one request of <paramref name="images"/> images, counted in the window open now; never throws.</summary>
    private protected async Task SendAsync(int images)
    {
        LatencyRecorder window;
        do
        {
            window = Volatile.Read(ref _current);
        }
        while (!window.TryBegin());

        var batch = new byte[images][];
        for (var i = 0; i < images; i++)
        {
            batch[i] = _images.Next();
        }

        var started = Time.GetTimestamp();
        try
        {
            var answer = await _target.SendAsync(batch, CancellationToken);
            window.Complete(Time.GetElapsedTime(started), answer);
        }
        catch (Exception e)
        {
            window.Fail(images, e);
        }
    }

    /// <summary>Counts a request of <paramref name="images"/> images that the client dropped instead of sending.</summary>
    private protected void Drop(int images)
    {
        while (!Volatile.Read(ref _current).TryDrop(images))
        {
        }
    }
}
