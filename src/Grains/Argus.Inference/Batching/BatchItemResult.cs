namespace Argus.Inference.Batching;

/// <summary>One item's output and what it cost.</summary>
/// <param name="Output">The model's output row for this item.</param>
/// <param name="QueueTime">Time from admission to the start of its batch.</param>
/// <param name="ComputeTime">Time its batch ran.</param>
/// <param name="BatchSize">Items in its batch.</param>
/// <param name="PrepareTime">Time the device spent preparing its batch's deferred inputs (zero when none were deferred).</param>
public sealed record BatchItemResult(float[] Output, TimeSpan QueueTime, TimeSpan ComputeTime, int BatchSize, TimeSpan PrepareTime);
