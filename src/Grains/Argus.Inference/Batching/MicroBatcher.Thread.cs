using Argus.Inference.Telemetry;
using Microsoft.Extensions.Logging;

namespace Argus.Inference.Batching;

// The batcher's own thread: it waits for a due batch, prepares its deferred inputs, runs it and completes its items.
public sealed partial class MicroBatcher
{
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

            using (StageClock.Start(ServingStage.Batch))
            {
                Execute(queue, batch);
            }

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
            queue.Lanes[decision.Queue % LaneCount].Take(decision.Count, batch);

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
                    qi * LaneCount + lane, (BatchLane)lane, list.Count, list.OldestEnqueuedAt, max, q.Options.MaxDelay);
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
}
