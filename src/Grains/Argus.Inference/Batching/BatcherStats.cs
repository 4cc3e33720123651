namespace Argus.Inference.Batching;

/// <summary>A batcher's counters.</summary>
/// <param name="Batches">Batches run.</param>
/// <param name="Items">Items run.</param>
/// <param name="Busy">Time spent preparing and running batches.</param>
/// <param name="Uptime">Time since the batcher was created.</param>
/// <param name="QueueDepth">Items waiting, indexed by <see cref="BatchLane"/>.</param>
public sealed record BatcherStats(long Batches, long Items, TimeSpan Busy, TimeSpan Uptime, IReadOnlyList<int> QueueDepth);
