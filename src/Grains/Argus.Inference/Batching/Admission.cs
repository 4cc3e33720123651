namespace Argus.Inference.Batching;

/// <summary>Why the batcher refused an item before it cost compute.</summary>
public enum RejectReason
{
    /// <summary>The lane's queue is full.</summary>
    QueueFull,

    /// <summary>The work queued ahead would finish after the item's deadline.</summary>
    DeadlineUnreachable,

    /// <summary>The deadline passed before the item could run.</summary>
    DeadlineExpired,

    /// <summary>The device is shutting down.</summary>
    ShuttingDown,

    /// <summary>The model version is being unloaded from the device.</summary>
    ModelUnloaded,
}

/// <summary>The admission verdict for one item.</summary>
internal readonly record struct AdmissionDecision(bool Admitted, RejectReason Reason, TimeSpan RetryAfter)
{
    public static AdmissionDecision Admit => new(true, default, TimeSpan.Zero);

    public static AdmissionDecision Reject(RejectReason reason, TimeSpan retryAfter) => new(false, reason, retryAfter);
}

/// <summary>Admission control: reject early, while rejecting is cheap.</summary>
internal static class Admission
{
    /// <summary>
    /// Admits an item unless its queue is full (<paramref name="laneDepth"/>: what its tenant has waiting in its lane), its
    /// deadline has passed, or the work ahead of it (<paramref name="workAhead"/>: what runs now, what waits in the lanes
    /// above, and what the lane's fair share runs before it) and its own cost would end after its deadline. A rejection says when a retry has a fair chance: once the work ahead has drained.
    /// </summary>
    public static AdmissionDecision Decide(
        int laneDepth, int laneCapacity, TimeSpan workAhead, TimeSpan itemCost, DateTime now, DateTime deadline)
    {
        var drained = workAhead > TimeSpan.Zero ? workAhead : itemCost;
        if (laneDepth >= laneCapacity)
        {
            return AdmissionDecision.Reject(RejectReason.QueueFull, drained);
        }

        if (deadline <= now)
        {
            return AdmissionDecision.Reject(RejectReason.DeadlineExpired, drained);
        }

        if (now + workAhead + itemCost > deadline)
        {
            return AdmissionDecision.Reject(RejectReason.DeadlineUnreachable, drained);
        }

        return AdmissionDecision.Admit;
    }
}
