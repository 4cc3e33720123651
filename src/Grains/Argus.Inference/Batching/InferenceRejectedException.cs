namespace Argus.Inference.Batching;

/// <summary>The batcher refused an item before running it; retryable after <see cref="RetryAfter"/>.</summary>
public sealed class InferenceRejectedException(RejectReason reason, TimeSpan retryAfter, string message)
    : Exception(message)
{
    /// <summary>Why the item was refused.</summary>
    public RejectReason Reason { get; } = reason;

    /// <summary>When a retry has a fair chance.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>The model failed on this item (and only this item: its batch-mates were run without it).</summary>
public sealed class ItemFailedException(string message, Exception? inner = null) : Exception(message, inner);
