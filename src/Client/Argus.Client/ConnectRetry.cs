using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Argus.Client;

/// <summary>
/// How the client retries reaching a gateway while it starts: again after 0.25 s, doubling up to 2 s, while
/// <see cref="ArgusClientOptions.ConnectTimeout"/> lasts since the start, so a cluster that is down or refuses the client
/// (a silo with TLS, a client without) fails the start within that time. Orleans' own filter tries 15 times over
/// 3 minutes, which leaves a command waiting that long without a word.
/// </summary>
internal sealed class ConnectRetry(TimeSpan budget, TimeProvider time) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);

    /// <summary>When the start began: Orleans resolves the filter as the client starts.</summary>
    private readonly long _started = time.GetTimestamp();
    private TimeSpan _delay = FirstDelay;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (ConnectionFailedException or OrleansMessageRejectionException)
            || time.GetElapsedTime(_started) + _delay > budget)
        {
            return false;
        }

        await Task.Delay(_delay, time, cancellationToken);
        _delay = TimeSpan.FromTicks(Math.Min(_delay.Ticks * 2, MaxDelay.Ticks));
        return true;
    }
}
