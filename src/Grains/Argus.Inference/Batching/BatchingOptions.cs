namespace Argus.Inference.Batching;

/// <summary>How one model's requests are formed into batches on a device.</summary>
public sealed class BatchingOptions
{
    /// <summary>The largest batch. Default 8.</summary>
    public int MaxBatchSize { get; set; } = 8;

    /// <summary>
    /// How long the oldest waiting request may wait for batch-mates, in milliseconds. Default 0: when the device
    /// frees up, take whatever is waiting (right on CPUs, where batching buys no throughput). A positive value is
    /// the micro-batching window.
    /// </summary>
    public double MaxDelayMs { get; set; }

    /// <summary>
    /// Items each tenant may have waiting in each lane before its new ones are rejected. Default 256. Bounded per tenant,
    /// so one tenant's flood never fills the lane for the others.
    /// </summary>
    public int QueueCapacity { get; set; } = 256;

    /// <summary>
    /// A batch-lane batch is capped to what the device runs in this many milliseconds, so a realtime request never
    /// waits long behind bulk work. Default 100.
    /// </summary>
    public double BatchLaneBudgetMs { get; set; } = 100;

    internal TimeSpan MaxDelay => TimeSpan.FromMilliseconds(MaxDelayMs);

    internal TimeSpan BatchLaneBudget => TimeSpan.FromMilliseconds(BatchLaneBudgetMs);

    internal IEnumerable<string> Validate(string owner)
    {
        if (MaxBatchSize < 1) yield return $"{owner}: MaxBatchSize must be at least 1 (is {MaxBatchSize}).";
        if (MaxDelayMs < 0) yield return $"{owner}: MaxDelayMs must not be negative (is {MaxDelayMs}).";
        if (QueueCapacity < 1) yield return $"{owner}: QueueCapacity must be at least 1 (is {QueueCapacity}).";
        if (BatchLaneBudgetMs <= 0) yield return $"{owner}: BatchLaneBudgetMs must be positive (is {BatchLaneBudgetMs}).";
    }
}
