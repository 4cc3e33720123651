namespace Argus.Inference.Batching;

/// <summary>What the batcher sees of one queue (one model, one lane) when it decides.</summary>
/// <param name="Queue">The caller's index of this queue.</param>
/// <param name="Lane">The queue's lane.</param>
/// <param name="Count">Items waiting.</param>
/// <param name="OldestEnqueuedAt">When the oldest waiting item arrived.</param>
/// <param name="MaxBatchSize">The largest batch this queue may form now.</param>
/// <param name="MaxDelay">How long its oldest item may wait for batch-mates.</param>
internal readonly record struct QueueView(
    int Queue, BatchLane Lane, int Count, DateTime OldestEnqueuedAt, int MaxBatchSize, TimeSpan MaxDelay);

/// <summary>The batcher's next step.</summary>
internal readonly record struct BatchDecision(BatchDecisionKind Kind, int Queue = -1, int Count = 0, DateTime WaitUntil = default)
{
    public static BatchDecision Idle => new(BatchDecisionKind.Idle);

    public static BatchDecision Run(int queue, int count) => new(BatchDecisionKind.Run, queue, count);

    public static BatchDecision Wait(DateTime until) => new(BatchDecisionKind.Wait, WaitUntil: until);
}

internal enum BatchDecisionKind
{
    /// <summary>Nothing waits.</summary>
    Idle,

    /// <summary>Run <see cref="BatchDecision.Count"/> items of <see cref="BatchDecision.Queue"/> now.</summary>
    Run,

    /// <summary>Items wait inside their batching window: decide again at <see cref="BatchDecision.WaitUntil"/> or on arrival.</summary>
    Wait,
}

/// <summary>The rules that close a batch, as pure functions (Triton's dynamic batcher, in one place).</summary>
internal static class BatchFormation
{
    /// <summary>
    /// Picks the next batch. Only the highest non-empty lane is considered: a lower lane runs only when every
    /// higher lane is empty. In that lane, a queue is ready when it holds a full batch, when it has no batching
    /// window, or when its oldest item has waited the whole window; of the ready queues the one whose oldest item
    /// has waited longest runs. When none is ready, the batcher waits for the first window to close.
    /// </summary>
    public static BatchDecision Next(ReadOnlySpan<QueueView> queues, DateTime now)
    {
        BatchLane? lane = null;
        foreach (var q in queues)
        {
            if (q.Count > 0 && (lane is null || q.Lane < lane))
            {
                lane = q.Lane;
            }
        }

        if (lane is null)
        {
            return BatchDecision.Idle;
        }

        int ready = -1;
        var firstWindowEnd = DateTime.MaxValue;
        for (var i = 0; i < queues.Length; i++)
        {
            var q = queues[i];
            if (q.Count == 0 || q.Lane != lane)
            {
                continue;
            }

            var windowEnd = q.OldestEnqueuedAt + q.MaxDelay;
            var isReady = q.Count >= q.MaxBatchSize || q.MaxDelay <= TimeSpan.Zero || now >= windowEnd;
            if (isReady)
            {
                if (ready < 0 || q.OldestEnqueuedAt < queues[ready].OldestEnqueuedAt)
                {
                    ready = i;
                }
            }
            else if (windowEnd < firstWindowEnd)
            {
                firstWindowEnd = windowEnd;
            }
        }

        if (ready < 0)
        {
            return BatchDecision.Wait(firstWindowEnd);
        }

        var chosen = queues[ready];
        return BatchDecision.Run(chosen.Queue, Math.Min(chosen.Count, chosen.MaxBatchSize));
    }

    /// <summary>
    /// The largest batch-lane batch that runs within <paramref name="budget"/> at <paramref name="itemCost"/> per item,
    /// at least 1 and at most <paramref name="maxBatchSize"/>.
    /// </summary>
    public static int BatchLaneCap(int maxBatchSize, TimeSpan budget, TimeSpan itemCost)
    {
        if (itemCost <= TimeSpan.Zero)
        {
            return maxBatchSize;
        }

        var fits = (long)(budget.Ticks / itemCost.Ticks);
        return (int)Math.Clamp(fits, 1, maxBatchSize);
    }
}
