using Argus.Errors;
using Argus.Grains.Jobs;

namespace Argus.Grains.Tests.Jobs;

public sealed class ShardRetryTests
{
    private static readonly ItemFault Overloaded = ShardRetry.Of(new InferenceError(ErrorKind.Overloaded, "full", 0));

    private static readonly ItemFault BadInput = ShardRetry.Of(new InferenceError(ErrorKind.BadInput, "not an image"));

    [Fact]
    public void A_transient_fault_is_retried_until_the_last_attempt_which_fails_it()
    {
        var retry = new ShardRetry(maxAttempts: 3);

        Assert.True(retry.Retries(Overloaded));
        retry.NextAttempt();
        Assert.True(retry.Retries(Overloaded));
        retry.NextAttempt();

        Assert.Equal(3, retry.Attempt);
        Assert.False(retry.Retries(Overloaded));
    }

    [Fact]
    public void One_attempt_retries_nothing() => Assert.False(new ShardRetry(maxAttempts: 1).Retries(Overloaded));

    [Fact]
    public void A_permanent_fault_fails_at_the_first_attempt() => Assert.False(new ShardRetry(maxAttempts: 20).Retries(BadInput));

    [Fact]
    public void The_back_off_doubles_from_200_ms_up_to_10_s()
    {
        var retry = new ShardRetry(maxAttempts: 20);

        var waits = Enumerable.Range(0, 8).Select(_ => retry.NextAttempt().TotalMilliseconds);

        Assert.Equal([200, 400, 800, 1600, 3200, 6400, 10_000, 10_000], waits);
    }

    [Fact]
    public void The_longest_retry_after_of_an_attempt_wins_over_a_shorter_back_off_and_counts_for_that_attempt_only()
    {
        var retry = new ShardRetry(maxAttempts: 5);
        retry.Retries(Overloaded with { RetryAfter = TimeSpan.FromMilliseconds(700) });
        retry.Retries(Overloaded with { RetryAfter = TimeSpan.FromMilliseconds(1500) });
        retry.Retries(Overloaded with { RetryAfter = TimeSpan.FromMilliseconds(900) });

        Assert.Equal(TimeSpan.FromMilliseconds(1500), retry.NextAttempt());
        Assert.Equal(TimeSpan.FromMilliseconds(400), retry.NextAttempt());

        retry.Retries(Overloaded with { RetryAfter = TimeSpan.FromMinutes(5) });
        Assert.Equal(ShardRetry.MaxBackoff, retry.NextAttempt());
    }

    [Fact]
    public void A_permanent_fault_does_not_make_the_shard_wait_longer()
    {
        var retry = new ShardRetry(maxAttempts: 5);

        retry.Retries(BadInput with { RetryAfter = TimeSpan.FromSeconds(5) });

        Assert.Equal(ShardRetry.FirstBackoff, retry.NextAttempt());
    }

    [Theory]
    [InlineData(ErrorKind.BadInput, "bad_input", false)]
    [InlineData(ErrorKind.UnknownModel, "unknown_model", false)]
    [InlineData(ErrorKind.Overloaded, "overloaded", true)]
    [InlineData(ErrorKind.NotReady, "not_ready", true)]
    [InlineData(ErrorKind.Cancelled, "cancelled", true)]
    [InlineData(ErrorKind.Internal, "model_error", true)]
    public void A_device_answer_is_retried_unless_it_can_never_succeed(ErrorKind kind, string reason, bool transient)
    {
        var fault = ShardRetry.Of(new InferenceError(kind, "why", 250));

        Assert.Equal(new ItemFault(reason, "why", transient, transient ? TimeSpan.FromMilliseconds(250) : TimeSpan.Zero), fault);
    }

    [Fact]
    public void A_failed_device_call_fails_every_item_of_the_batch_alike()
    {
        Assert.Equal(new ItemFault("unknown_model", "Unknown model 'ghost'.", false), ShardRetry.Of(new UnknownModelException("ghost")));
        Assert.Equal(new ItemFault("unknown_model", "Model 'm' has no version '9' loaded.", false), ShardRetry.Of(new UnknownVersionException("m", "9", [])));
        Assert.Equal(new ItemFault("not_ready", "loading", true), ShardRetry.Of(new NotReadyException("loading")));
        Assert.Equal(new ItemFault("device_unavailable", "lost", true), ShardRetry.Of(new TimeoutException("lost")));
        Assert.False(ShardRetry.Unreadable("gone").Transient);
    }
}
