using System.Diagnostics;
using Argus.Inference.Telemetry;
using Microsoft.Extensions.Logging;

namespace Argus.Inference.Batching;

/// <summary>
/// One device's scheduler: bounded queues per model and lane, admission on deadlines, and a thread of its own that
/// forms batches (<see cref="BatchFormation"/>) and runs them one at a time. Inference never runs on a caller's thread.
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

    /// <summary>Starts the batching thread.</summary>
    public void Start() => _thread.Start();

    /// <summary>
    /// Queues one item, or rejects it at once with <see cref="InferenceRejectedException"/> when its lane is full or
    /// its deadline cannot be met. An item still queued at its deadline is rejected then, without running.
    /// </summary>
    public Task<BatchItemResult> SubmitAsync(
        BatchQueue queue, BatchInput input, BatchLane lane, DateTime deadline, CancellationToken cancellationToken = default)
    {
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

            var admission = DecideLocked(queue, lane, now, deadline);
            if (!admission.Admitted)
            {
                return Task.FromException<BatchItemResult>(Rejected(admission.Reason, admission.RetryAfter));
            }

            item = new BatchItem(input, lane, now, deadline, Activity.Current?.Context ?? default);
            item.Node = queue.Lanes[(int)lane].AddLast(item);
            Monitor.Pulse(_gate);
        }

        WatchDeadline(item, deadline - now, queue.Cost.PerItem, cancellationToken);
        return item.Completion;
    }

    /// <summary>
    /// Throws the <see cref="InferenceRejectedException"/> that <see cref="SubmitAsync"/> would throw now, so a caller
    /// can skip work (decoding an image) that a full queue or a deadline out of reach would throw away.
    /// </summary>
    public void ThrowIfWouldReject(BatchQueue queue, BatchLane lane, DateTime deadline)
    {
        AdmissionDecision admission;
        lock (_gate)
        {
            admission = _stopping
                ? AdmissionDecision.Reject(RejectReason.ShuttingDown, TimeSpan.FromSeconds(1))
                : DecideLocked(queue, lane, Now(), deadline);
        }

        if (!admission.Admitted)
        {
            throw Rejected(admission.Reason, admission.RetryAfter);
        }
    }

    /// <summary>How long a new item of <paramref name="lane"/> would wait before it runs: what runs now and what waits ahead.</summary>
    public TimeSpan EstimateWait(BatchLane lane)
    {
        lock (_gate)
        {
            return WorkAheadLocked(lane, Now());
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
                foreach (var list in q.Lanes)
                {
                    foreach (var item in list)
                    {
                        item.Node = null;
                        orphans.Add(item);
                    }

                    list.Clear();
                }
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

    private AdmissionDecision DecideLocked(BatchQueue queue, BatchLane lane, DateTime now, DateTime deadline) => Admission.Decide(
        queue.Lanes[(int)lane].Count, queue.Options.QueueCapacity, WorkAheadLocked(lane, now), queue.Cost.PerItem, now, deadline);

    private TimeSpan WorkAheadLocked(BatchLane lane, DateTime now)
    {
        var running = _runningEstimate - (now - _runningSince);
        var ahead = running > TimeSpan.Zero ? running : TimeSpan.Zero;
        foreach (var q in _queues)
        {
            var waiting = 0;
            for (var l = 0; l <= (int)lane; l++)
            {
                waiting += q.Lanes[l].Count;
            }

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
            if (item.Node is not { } node)
            {
                return false;
            }

            node.List!.Remove(node);
            item.Node = null;
            return true;
        }
    }

    private void Loop()
    {
        var batch = new List<BatchItem>();
        while (true)
        {
            BatchQueue queue;
            lock (_gate)
            {
                if (!WaitForBatchLocked(out queue, batch))
                {
                    return;
                }
            }

            Execute(queue, batch);
            batch.Clear();
        }
    }

    /// <summary>Waits until a batch is due and takes it; false when stopping.</summary>
    private bool WaitForBatchLocked(out BatchQueue queue, List<BatchItem> batch)
    {
        while (!_stopping)
        {
            var now = Now();
            var decision = BatchFormation.Next(FillViewsLocked(), now);
            switch (decision.Kind)
            {
                case BatchDecisionKind.Idle:
                    Monitor.Wait(_gate);
                    continue;
                case BatchDecisionKind.Wait:
                    var wait = decision.WaitUntil - now;
                    Monitor.Wait(_gate, wait > TimeSpan.FromMilliseconds(1) ? wait : TimeSpan.FromMilliseconds(1));
                    continue;
            }

            queue = _queues[decision.Queue / LaneCount];
            var list = queue.Lanes[decision.Queue % LaneCount];
            for (var i = 0; i < decision.Count; i++)
            {
                var item = list.First!.Value;
                list.RemoveFirst();
                item.Node = null;
                batch.Add(item);
            }

            _running = true;
            _runningSince = now;
            _runningEstimate = queue.Cost.PerItem * batch.Count;
            return true;
        }

        queue = null!;
        return false;
    }

    private ReadOnlySpan<QueueView> FillViewsLocked()
    {
        var n = 0;
        for (var qi = 0; qi < _queues.Count; qi++)
        {
            var q = _queues[qi];
            for (var lane = 0; lane < LaneCount; lane++)
            {
                var list = q.Lanes[lane];
                if (list.Count == 0)
                {
                    continue;
                }

                var max = (BatchLane)lane == BatchLane.Batch
                    ? BatchFormation.BatchLaneCap(q.Options.MaxBatchSize, q.Options.BatchLaneBudget, q.Cost.PerItem)
                    : q.Options.MaxBatchSize;
                _views[n++] = new QueueView(
                    qi * LaneCount + lane, (BatchLane)lane, list.Count, list.First!.Value.EnqueuedAt, max, q.Options.MaxDelay);
            }
        }

        return _views.AsSpan(0, n);
    }

    private void Execute(BatchQueue queue, List<BatchItem> batch)
    {
        DateTime started;
        long sequence;
        lock (_gate)
        {
            started = _runningSince;
            sequence = _batches;
        }

        var timestamp = _time.GetTimestamp();
        var inputs = Prepare(batch);
        var prepareTime = _time.GetElapsedTime(timestamp);
        List<BatchItem> ready = new(batch.Count);
        List<float[]> readyInputs = new(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (inputs[i] is { } input)
            {
                ready.Add(batch[i]);
                readyInputs.Add(input);
            }
        }

        List<(BatchItem Item, BatchItemResult? Result, Exception? Error)> outcomes = new(ready.Count);
        if (ready.Count > 0)
        {
            _instruments?.BatchRan(queue.Labels, batch[0].Lane, ready.Count);
            Run(queue, ready, readyInputs, started, prepareTime, outcomes);
        }

        // The device is free before any caller hears back, so whoever reads the stats after an answer sees it idle.
        var ended = Now();
        lock (_gate)
        {
            _busy += ended - started;
            _running = false;
        }

        foreach (var (item, result, error) in outcomes)
        {
            _ = error is null ? item.Complete(result!) : item.Fail(error);
        }

        if (InferenceTracing.IsEnabled)
        {
            InferenceTracing.RecordBatch(queue, batch, $"{_name}/{sequence}", started, ended);
        }
    }

    /// <summary>Resolves every input, deferred ones in parallel; an item whose preparation throws fails alone (null).</summary>
    private static float[]?[] Prepare(List<BatchItem> batch)
    {
        var inputs = new float[]?[batch.Count];
        void PrepareOne(int i)
        {
            try
            {
                inputs[i] = batch[i].Input.Resolve();
            }
            catch (Exception e)
            {
                batch[i].Fail(e); // the caller's input, the caller's error: not logged as the device's
            }
        }

        if (batch.Count(b => b.Input.IsDeferred) > 1)
        {
            Parallel.For(0, batch.Count, PrepareOne);
        }
        else
        {
            for (var i = 0; i < batch.Count; i++)
            {
                PrepareOne(i);
            }
        }

        return inputs;
    }

    /// <summary>Runs a batch and adds each item's result or failure to <paramref name="outcomes"/>.</summary>
    private void Run(
        BatchQueue queue, List<BatchItem> batch, List<float[]> inputs, DateTime started, TimeSpan prepareTime,
        List<(BatchItem Item, BatchItemResult? Result, Exception? Error)> outcomes)
    {
        var timestamp = _time.GetTimestamp();
        float[][]? outputs = null;
        Exception? error = null;
        try
        {
            outputs = queue.Runner.Run(inputs);
            if (outputs.Length != inputs.Count)
            {
                error = new InvalidOperationException(
                    $"Model '{queue.Model}' returned {outputs.Length} outputs for {inputs.Count} inputs.");
            }
        }
        catch (Exception e)
        {
            error = e;
        }

        var elapsed = _time.GetElapsedTime(timestamp);
        lock (_gate)
        {
            _batches++;
            _items += batch.Count;
            _runningEstimate = TimeSpan.Zero;
            if (error is null)
            {
                queue.Cost.Observe(elapsed + prepareTime, batch.Count);
            }
        }

        if (error is null)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                outcomes.Add((batch[i], new BatchItemResult(outputs![i], started - batch[i].EnqueuedAt, elapsed, batch.Count, prepareTime), null));
            }
        }
        else if (batch.Count == 1)
        {
            LogItemFailed(_logger, queue.Model, error.Message);
            outcomes.Add((batch[0], null, new ItemFailedException($"Model '{queue.Model}' failed on this item: {error.Message}", error)));
        }
        else
        {
            // One bad item must not fail its batch-mates: run each alone, so the failure lands only where it belongs.
            LogBatchSplit(_logger, queue.Model, batch.Count, error.Message);
            for (var i = 0; i < batch.Count; i++)
            {
                Run(queue, [batch[i]], [inputs[i]], started, TimeSpan.Zero, outcomes);
            }
        }
    }

    private static InferenceRejectedException Rejected(RejectReason reason, TimeSpan retryAfter) =>
        new(reason, retryAfter, reason switch
        {
            RejectReason.QueueFull => "The device's queue for this lane is full.",
            RejectReason.DeadlineUnreachable => "The work queued ahead would end after the request's deadline.",
            RejectReason.DeadlineExpired => "The request's deadline passed before it could run.",
            _ => "The device is shutting down.",
        });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch of {Count} on model {Model} failed ({Error}); running its items one by one")]
    private static partial void LogBatchSplit(ILogger logger, string model, int count, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model} failed on an item: {Error}")]
    private static partial void LogItemFailed(ILogger logger, string model, string error);
}

/// <summary>One model's queues on a batcher, one per lane. Obtained from <see cref="MicroBatcher.Register"/>.</summary>
public sealed class BatchQueue
{
    internal BatchQueue(InferenceLabels labels, BatchingOptions options, IBatchRunner runner, ItemCostEstimate cost, int lanes)
    {
        Labels = labels;
        Options = options;
        Runner = runner;
        Cost = cost;
        Lanes = new LinkedList<BatchItem>[lanes];
        for (var i = 0; i < lanes; i++)
        {
            Lanes[i] = new LinkedList<BatchItem>();
        }
    }

    /// <summary>The model these queues feed.</summary>
    public string Model => Labels.Model;

    /// <summary>The model, its version and the device, as metrics and traces label them.</summary>
    public InferenceLabels Labels { get; }

    /// <summary>The current estimate of compute time per item.</summary>
    public TimeSpan ItemCost => Cost.PerItem;

    internal BatchingOptions Options { get; }

    internal IBatchRunner Runner { get; }

    internal ItemCostEstimate Cost { get; }

    internal LinkedList<BatchItem>[] Lanes { get; }
}

/// <summary>A batcher's counters.</summary>
/// <param name="Batches">Batches run.</param>
/// <param name="Items">Items run.</param>
/// <param name="Busy">Time spent preparing and running batches.</param>
/// <param name="Uptime">Time since the batcher was created.</param>
/// <param name="QueueDepth">Items waiting, indexed by <see cref="BatchLane"/>.</param>
public sealed record BatcherStats(long Batches, long Items, TimeSpan Busy, TimeSpan Uptime, IReadOnlyList<int> QueueDepth);
