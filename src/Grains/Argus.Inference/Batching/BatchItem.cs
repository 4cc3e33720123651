using System.Diagnostics;

namespace Argus.Inference.Batching;

/// <summary>The unit of work: one item, its lane, tenant and deadline, its caller's span, and its own completion.</summary>
internal sealed class BatchItem(BatchInput input, BatchLane lane, string tenant, DateTime enqueuedAt, DateTime deadline, ActivityContext caller)
{
    private readonly TaskCompletionSource<BatchItemResult> _completion =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BatchInput Input { get; } = input;

    public BatchLane Lane { get; } = lane;

    /// <summary>Its tenant's queue key (<see cref="BatchTenant.Key"/>).</summary>
    public string Tenant { get; } = tenant;

    public DateTime EnqueuedAt { get; } = enqueuedAt;

    public DateTime Deadline { get; } = deadline;

    /// <summary>The span that queued the item (none when nobody traces), which its batch's span continues.</summary>
    public ActivityContext Caller { get; } = caller;

    /// <summary>Its place in its tenant's queue while it waits; null once taken or removed.</summary>
    public LinkedListNode<BatchItem>? Node { get; set; }

    /// <summary>The lane it waits in; null once taken or removed.</summary>
    public LaneQueue? Queue { get; set; }

    public Task<BatchItemResult> Completion => _completion.Task;

    public bool Complete(BatchItemResult result) => _completion.TrySetResult(result);

    public bool Fail(Exception error) => _completion.TrySetException(error);

    public bool Cancel(CancellationToken token) => _completion.TrySetCanceled(token);
}
