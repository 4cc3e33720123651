using System.Diagnostics;
using Argus.Inference.Telemetry;
using Microsoft.Extensions.Logging;

namespace Argus.Inference.Batching;

/// <summary>
/// One device's scheduler: bounded queues per model, lane and tenant, admission on deadlines, and a thread of its own that
/// forms batches (<see cref="BatchFormation"/>), shares each lane among tenants by weight (<see cref="FairShare"/>), and
/// runs them one at a time. Inference never runs on a caller's thread.
/// </summary>
public sealed partial class MicroBatcher : IDisposable
{
    private static readonly int LaneCount = Enum.GetValues<BatchLane>().Length;

    private readonly object _gate = new();
    private readonly string _name;
    private readonly List<BatchQueue> _queues = [];
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly InferenceInstruments? _instruments;
    private readonly Thread _thread;
    private readonly DateTime _startedAt;
    private QueueView[] _views = [];
    private bool _stopping;

    // What runs now, for the admission estimate of the work ahead and the busy time.
    private bool _running;
    private DateTime _runningSince;
    private TimeSpan _runningEstimate;

    private long _batches;
    private long _items;
    private TimeSpan _busy;

    /// <summary>Creates a stopped batcher; <see cref="Start"/> starts its thread.</summary>
    /// <param name="name">The device's name.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where batch failures are logged.</param>
    /// <param name="instruments">Where batch sizes are recorded; none when null.</param>
    public MicroBatcher(string name, TimeProvider time, ILogger logger, InferenceInstruments? instruments = null)
    {
        _name = name;
        _time = time;
        _logger = logger;
        _instruments = instruments;
        _startedAt = Now();
        _thread = new Thread(Loop) { Name = $"argus-batcher-{name}", IsBackground = true };
    }

    /// <summary>
    /// Adds a model's queues, labelled <paramref name="labels"/> in metrics and traces. <paramref name="initialItemCost"/>
    /// seeds the cost estimate (e.g. from warm-up).
    /// </summary>
    public BatchQueue Register(InferenceLabels labels, BatchingOptions options, IBatchRunner runner, TimeSpan initialItemCost)
    {
        var queue = new BatchQueue(labels, options, runner, new ItemCostEstimate(initialItemCost), LaneCount);
        lock (_gate)
        {
            _queues.Add(queue);
            _views = new QueueView[_queues.Count * LaneCount];
        }

        return queue;
    }

    /// <summary>
    /// Removes a model's queues. The caller first lets the queue's items have their outcomes (an unload drains it); an
    /// item still waiting is rejected as <see cref="RejectReason.ModelUnloaded"/>. A batch of the queue that is running
    /// ends normally. Removing a queue twice, or one never registered, does nothing.
    /// </summary>
    public void Unregister(BatchQueue queue)
    {
        List<BatchItem> orphans = [];
        lock (_gate)
        {
            // The batcher's thread reads queues by index only under the gate, within one decision: it never sees the list shift.
            if (!_queues.Remove(queue))
            {
                return;
            }

            _views = new QueueView[_queues.Count * LaneCount];
            TakeAllLocked(queue, orphans);
        }

        foreach (var item in orphans)
        {
            item.Fail(Rejected(RejectReason.ModelUnloaded, TimeSpan.Zero));
        }
    }

    /// <summary>Starts the batching thread.</summary>
    public void Start() => _thread.Start();

    /// <summary>
    /// Queues one item for <paramref name="tenant"/>, or rejects it at once with <see cref="InferenceRejectedException"/>
    /// when its tenant's queue in the lane is full or its deadline cannot be met. An item still queued at its deadline is
    /// rejected then, without running.
    /// </summary>
    public Task<BatchItemResult> SubmitAsync(
        BatchQueue queue, BatchInput input, BatchLane lane, BatchTenant tenant, DateTime deadline, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tenant.Weight, nameof(tenant));

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<BatchItemResult>(cancellationToken);
        }

        var now = Now();
        BatchItem item;
        lock (_gate)
        {
            if (_stopping)
            {
                return Task.FromException<BatchItemResult>(Rejected(RejectReason.ShuttingDown, TimeSpan.FromSeconds(1)));
            }

            var admission = DecideLocked(queue, lane, tenant, now, deadline);
            if (!admission.Admitted)
            {
                return Task.FromException<BatchItemResult>(Rejected(admission.Reason, admission.RetryAfter));
            }

            item = new BatchItem(input, lane, tenant.Key, now, deadline, Activity.Current?.Context ?? default);
            queue.Lanes[(int)lane].Add(item, tenant);
            Monitor.Pulse(_gate);
        }

        WatchDeadline(item, deadline - now, queue.Cost.PerItem, cancellationToken);
        return item.Completion;
    }

    /// <summary>
    /// Throws the <see cref="InferenceRejectedException"/> that <see cref="SubmitAsync"/> would throw now, so a caller
    /// can skip work (decoding an image) that a full queue or a deadline out of reach would throw away.
    /// </summary>
    public void ThrowIfWouldReject(BatchQueue queue, BatchLane lane, BatchTenant tenant, DateTime deadline)
    {
        AdmissionDecision admission;
        lock (_gate)
        {
            admission = _stopping
                ? AdmissionDecision.Reject(RejectReason.ShuttingDown, TimeSpan.FromSeconds(1))
                : DecideLocked(queue, lane, tenant, Now(), deadline);
        }

        if (!admission.Admitted)
        {
            throw Rejected(admission.Reason, admission.RetryAfter);
        }
    }

    /// <summary>
    /// How long a new item of <paramref name="lane"/> would wait before it runs, whoever its tenant: what runs now and
    /// everything that waits ahead.
    /// </summary>
    public TimeSpan EstimateWait(BatchLane lane)
    {
        lock (_gate)
        {
            return WorkAheadLocked(lane, null, Now());
        }
    }

    /// <summary>Counters since start and what waits now. Busy time includes the running batch so far.</summary>
    public BatcherStats GetStats()
    {
        lock (_gate)
        {
            var depth = new int[LaneCount];
            foreach (var q in _queues)
            {
                for (var lane = 0; lane < LaneCount; lane++)
                {
                    depth[lane] += q.Lanes[lane].Count;
                }
            }

            var now = Now();
            var busy = _running ? _busy + (now - _runningSince) : _busy;
            return new BatcherStats(_batches, _items, busy, now - _startedAt, depth);
        }
    }

    /// <summary>Items waiting in <paramref name="queue"/>, indexed by <see cref="BatchLane"/>, counted now.</summary>
    public int[] QueueDepths(BatchQueue queue)
    {
        lock (_gate)
        {
            return [.. queue.Lanes.Select(l => l.Count)];
        }
    }

    /// <summary>Rejects every queued item as shutting down, then stops the thread once the running batch ends.</summary>
    public void Dispose()
    {
        List<BatchItem> orphans = [];
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            foreach (var q in _queues)
            {
                TakeAllLocked(q, orphans);
            }

            Monitor.PulseAll(_gate);
        }

        foreach (var item in orphans)
        {
            item.Fail(Rejected(RejectReason.ShuttingDown, TimeSpan.FromSeconds(1)));
        }

        if (_thread.IsAlive)
        {
            _thread.Join();
        }
    }

    private DateTime Now() => _time.GetUtcNow().UtcDateTime;

    private static void TakeAllLocked(BatchQueue queue, List<BatchItem> taken)
    {
        foreach (var lane in queue.Lanes)
        {
            lane.Clear(taken);
        }
    }

    // Capacity and the work ahead are the tenant's: another tenant's backlog neither fills its queue nor counts whole
    // against its deadline.
    private AdmissionDecision DecideLocked(BatchQueue queue, BatchLane lane, BatchTenant tenant, DateTime now, DateTime deadline) =>
        Admission.Decide(
            queue.Lanes[(int)lane].CountOf(tenant.Key), queue.Options.QueueCapacity, WorkAheadLocked(lane, tenant, now),
            queue.Cost.PerItem, now, deadline);

    /// <summary>
    /// What runs before a new item of <paramref name="lane"/>: the running batch's rest, every item of the lanes above,
    /// and in its own lane of each model what the fair share runs first (<see cref="LaneQueue.CountAhead"/>), or the whole
    /// lane when <paramref name="tenant"/> is null.
    /// </summary>
    private TimeSpan WorkAheadLocked(BatchLane lane, BatchTenant? tenant, DateTime now)
    {
        var running = _runningEstimate - (now - _runningSince);
        var ahead = running > TimeSpan.Zero ? running : TimeSpan.Zero;
        foreach (var q in _queues)
        {
            var waiting = 0;
            for (var l = 0; l < (int)lane; l++)
            {
                waiting += q.Lanes[l].Count;
            }

            var own = q.Lanes[(int)lane];
            waiting += tenant is { } t ? own.CountAhead(t) : own.Count;
            ahead += q.Cost.PerItem * waiting;
        }

        return ahead;
    }

    private void WatchDeadline(BatchItem item, TimeSpan untilDeadline, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        ITimer? timer = null;
        if (untilDeadline < TimeSpan.FromDays(1))
        {
            timer = _time.CreateTimer(
                static state =>
                {
                    var (batcher, it, retry) = ((MicroBatcher, BatchItem, TimeSpan))state!;
                    if (batcher.TryRemove(it))
                    {
                        it.Fail(Rejected(RejectReason.DeadlineExpired, retry));
                    }
                },
                (this, item, retryAfter), untilDeadline, Timeout.InfiniteTimeSpan);
        }

        var registration = cancellationToken.Register(() =>
        {
            if (TryRemove(item))
            {
                item.Cancel(cancellationToken);
            }
        });

        item.Completion.ContinueWith(
            static (_, state) =>
            {
                var (t, r) = ((ITimer?, CancellationTokenRegistration))state!;
                t?.Dispose();
                r.Dispose();
            },
            (timer, registration), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Takes a waiting item out of its queue; false once it is running or done.</summary>
    private bool TryRemove(BatchItem item)
    {
        lock (_gate)
        {
            if (item.Queue is not { } lane)
            {
                return false;
            }

            lane.Remove(item);
            return true;
        }
    }

    internal static InferenceRejectedException Rejected(RejectReason reason, TimeSpan retryAfter) =>
        new(reason, retryAfter, reason switch
        {
            RejectReason.QueueFull => "The device's queue for this lane is full for the request's tenant.",
            RejectReason.DeadlineUnreachable => "The work queued ahead would end after the request's deadline.",
            RejectReason.DeadlineExpired => "The request's deadline passed before it could run.",
            RejectReason.ModelUnloaded => "The model version was unloaded from the device.",
            _ => "The device is shutting down.",
        });
}
