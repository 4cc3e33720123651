using Argus.Inference.Batching;

namespace Argus.Inference.Devices;

/// <summary>Why an item failed, in the engine's terms.</summary>
public enum ItemFailureKind
{
    /// <summary>The input is unusable (not an image, truncated, too large, a tensor of the wrong size).</summary>
    BadInput,

    /// <summary>The batcher refused it before it ran (full lane, unreachable or passed deadline, shutting down).</summary>
    Rejected,

    /// <summary>The caller cancelled it.</summary>
    Cancelled,

    /// <summary>The model failed on this item alone.</summary>
    ModelError,

    /// <summary>Its model version was unloaded as the item arrived or while it waited: the version is gone.</summary>
    Unloaded,
}

/// <summary>Why an item failed.</summary>
/// <param name="Kind">The kind of failure.</param>
/// <param name="Reason">The metrics' snake_case reason, e.g. <c>queue_full</c>.</param>
/// <param name="Message">For the caller.</param>
/// <param name="RetryAfter">When a retry has a fair chance, for a rejected item.</param>
public sealed record ItemFailure(ItemFailureKind Kind, string Reason, string Message, TimeSpan? RetryAfter = null);

/// <summary>One item's outcome: what its batch cost and its output, or why it failed.</summary>
/// <param name="Ran">The batch's result for the item (its raw output row and timings); null when it failed.</param>
/// <param name="Output">The model's task applied to the row; null when the raw row was asked for or it failed.</param>
/// <param name="Failure">Why it failed; null when it ran.</param>
public sealed record ItemOutcome(BatchItemResult? Ran, ModelOutput? Output, ItemFailure? Failure);
