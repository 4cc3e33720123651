using Argus.LoadTesting.Targets;

namespace Argus.LoadTesting.Load;

/// <summary>
/// Open-loop load: requests arrive as a Poisson process at a set rate, whether or not earlier ones have ended. At most
/// a set number are outstanding; an arrival beyond that is dropped by the client and counted, so an overloaded target
/// never makes the client hold more and more requests.
/// </summary>
public sealed class OpenLoop : LoadGenerator
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _maxOutstanding;
    private readonly int _imagesPerRequest;
    private readonly Task _schedule;
    private int _outstanding;
    private long _offered;
    private bool _stopped;

    private OpenLoop(
        ILoadTarget target, ImageSet images, PoissonArrivals arrivals, int maxOutstanding, int imagesPerRequest, TimeProvider time,
        CancellationToken cancellationToken)
        : base(target, images, time, cancellationToken)
    {
        _maxOutstanding = maxOutstanding;
        _imagesPerRequest = imagesPerRequest;
        var start = time.GetTimestamp();
        _schedule = Task.Run(() => ScheduleAsync(arrivals, start), CancellationToken.None);
    }

    /// <summary>
    /// Starts arrivals at <paramref name="ratePerSecond"/> requests per second, drawn from <paramref name="random"/>,
    /// with at most <paramref name="maxOutstanding"/> outstanding.
    /// </summary>
    public static OpenLoop Start(
        ILoadTarget target, ImageSet images, double ratePerSecond, int maxOutstanding, Random random, int imagesPerRequest = 1,
        TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOutstanding, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(imagesPerRequest, 1);
        return new OpenLoop(
            target, images, new PoissonArrivals(ratePerSecond, random), maxOutstanding, imagesPerRequest, time ?? TimeProvider.System, cancellationToken);
    }

    /// <summary>Arrivals so far, sent or dropped: the load the schedule has offered.</summary>
    public long Offered => Interlocked.Read(ref _offered);

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await Stopping.CancelAsync();
        await _schedule;
        lock (_gate)
        {
            _stopped = true;
            if (_outstanding == 0)
            {
                _idle.TrySetResult();
            }
        }

        await _idle.Task;
        Stopping.Dispose();
    }

    private async Task ScheduleAsync(PoissonArrivals arrivals, long start)
    {
        var due = TimeSpan.Zero;
        while (!Stopping.IsCancellationRequested)
        {
            // Arrival times are fixed by the schedule, not by when the last one was sent: a late loop catches up.
            due += arrivals.NextGap();
            var wait = due - Time.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, Time, Stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            bool admitted;
            lock (_gate)
            {
                admitted = _outstanding < _maxOutstanding;
                _outstanding += admitted ? 1 : 0;
            }

            if (admitted)
            {
                _ = Task.Run(SendOneAsync, CancellationToken.None);
            }
            else
            {
                Drop(_imagesPerRequest);
            }

            Interlocked.Increment(ref _offered);
        }
    }

    private async Task SendOneAsync()
    {
        try
        {
            await SendAsync(_imagesPerRequest);
        }
        finally
        {
            lock (_gate)
            {
                if (--_outstanding == 0 && _stopped)
                {
                    _idle.TrySetResult();
                }
            }
        }
    }
}
