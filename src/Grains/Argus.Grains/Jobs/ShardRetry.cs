using Argus.Errors;

namespace Argus.Grains.Jobs;

/// <summary>Why an attempt at an item failed: its reason in <c>errors.jsonl</c>, and whether a later attempt may succeed.</summary>
/// <param name="Reason">The reason, e.g. <c>overloaded</c>.</param>
/// <param name="Message">What the device or the reader said.</param>
/// <param name="Transient">Whether a later attempt may succeed.</param>
/// <param name="RetryAfter">How long the device asked to wait before the next attempt.</param>
internal readonly record struct ItemFault(string Reason, string Message, bool Transient, TimeSpan RetryAfter = default);

/// <summary>
/// The retry rule of one shard's items. A device that is still loading, overloaded, unreachable, or whose run of the
/// model failed or was cancelled may succeed later: such an item is tried again at the next attempt, up to the job's
/// <see cref="Argus.Jobs.JobSpec.MaxAttempts"/>. Bad input, an unknown model and an unreadable file never succeed: they
/// fail at once. Between attempts the shard waits an exponential back-off (<see cref="FirstBackoff"/>, doubling), or
/// the longest Retry-After a device asked for when that is longer, at most <see cref="MaxBackoff"/>. Not thread-safe:
/// one shard's run owns it.
/// </summary>
internal sealed class ShardRetry(int maxAttempts)
{
    /// <summary>The wait after the first attempt.</summary>
    internal static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between attempts.</summary>
    internal static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private TimeSpan _retryAfter;

    /// <summary>The attempt under way, from 1.</summary>
    public int Attempt { get; private set; } = 1;

    /// <summary>Whether an item that failed with <paramref name="fault"/> is tried again: a transient fault before the last attempt.</summary>
    public bool Retries(ItemFault fault)
    {
        if (!fault.Transient || Attempt >= maxAttempts)
        {
            return false;
        }

        _retryAfter = fault.RetryAfter > _retryAfter ? fault.RetryAfter : _retryAfter;
        return true;
    }

    /// <summary>Ends the attempt under way: how long to wait before the next one.</summary>
    public TimeSpan NextAttempt()
    {
        var backoff = FirstBackoff * Math.Pow(2, Attempt - 1);
        var wait = _retryAfter > backoff ? _retryAfter : backoff;
        Attempt++;
        _retryAfter = TimeSpan.Zero;
        return wait < MaxBackoff ? wait : MaxBackoff;
    }

    /// <summary>The fault of every item of a device call that failed as a whole.</summary>
    public static ItemFault Of(Exception e) => e switch
    {
        UnknownModelException or UnknownVersionException => new("unknown_model", e.Message, Transient: false),
        NotReadyException => new("not_ready", e.Message, Transient: true),
        _ => new("device_unavailable", e.Message, Transient: true), // the call failed on its way: the device may be back soon
    };

    /// <summary>The fault of an item the device answered with <paramref name="error"/>.</summary>
    public static ItemFault Of(InferenceError error) => error.Kind switch
    {
        ErrorKind.BadInput => new("bad_input", error.Message, Transient: false),
        ErrorKind.UnknownModel => new("unknown_model", error.Message, Transient: false),
        var kind => new(
            kind switch
            {
                ErrorKind.Overloaded => "overloaded",
                ErrorKind.NotReady => "not_ready",
                ErrorKind.Cancelled => "cancelled",
                _ => "model_error",
            },
            error.Message, Transient: true, TimeSpan.FromMilliseconds(error.RetryAfterMs ?? 0)),
    };

    /// <summary>The fault of an item whose file could not be read.</summary>
    public static ItemFault Unreadable(string message) => new("unreadable", message, Transient: false);
}
