using System.Collections.Concurrent;
using Argus.Inference.Batching;
using Argus.Inference.Imaging;
using Argus.Inference.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace Argus.Inference.Tests.Batching;

/// <summary>
/// The batcher with a runner the test controls: the first batch can be held on a gate so that what queues behind it is
/// known exactly, then released. Items carry their id in element 0; outputs are the id times two.
/// </summary>
public sealed class MicroBatcherTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly MicroBatcher _batcher = new("test", TimeProvider.System, NullLogger.Instance);

    public void Dispose() => _batcher.Dispose();

    private sealed class Runner(Func<IReadOnlyList<float[]>, float[][]>? run = null) : IBatchRunner
    {
        public ManualResetEventSlim Gate { get; } = new(true);

        public SemaphoreSlim Entered { get; } = new(0);

        public ConcurrentQueue<float[]> Batches { get; } = new();

        public float[][] Run(IReadOnlyList<float[]> inputs)
        {
            Batches.Enqueue([.. inputs.Select(i => i[0])]);
            Entered.Release();
            Assert.True(Gate.Wait(Wait), "the test never opened the gate");
            return run?.Invoke(inputs) ?? [.. inputs.Select(i => new[] { i[0] * 2 })];
        }

        /// <summary>Holds the next batch on the gate and returns once it is running.</summary>
        public async Task<Task<BatchItemResult>> HoldAsync(MicroBatcher batcher, BatchQueue queue)
        {
            Gate.Reset();
            var held = batcher.SubmitAsync(queue, BatchInput.Ready([0]), BatchLane.Interactive, BatchTenant.None, Far);
            Assert.True(await Entered.WaitAsync(Wait));
            return held;
        }
    }

    private static DateTime Far => DateTime.UtcNow.AddMinutes(5);

    private BatchQueue Register(Runner runner, int maxBatch = 8, double maxDelayMs = 0, int capacity = 64, double itemCostMs = 0.001, string model = "m") =>
        _batcher.Register(new InferenceLabels(model, "1", "test", "cpu"), new BatchingOptions { MaxBatchSize = maxBatch, MaxDelayMs = maxDelayMs, QueueCapacity = capacity },
            runner, TimeSpan.FromMilliseconds(itemCostMs));

    private Task<BatchItemResult> Submit(BatchQueue q, float id, BatchLane lane = BatchLane.Interactive, DateTime? deadline = null,
        CancellationToken cancellationToken = default, BatchTenant? tenant = null) =>
        _batcher.SubmitAsync(q, BatchInput.Ready([id]), lane, tenant ?? BatchTenant.None, deadline ?? Far, cancellationToken);

    [Fact]
    public async Task Every_item_gets_its_own_output_in_order()
    {
        var runner = new Runner();
        var q = Register(runner);
        _batcher.Start();
        var held = await runner.HoldAsync(_batcher, q);
        var items = Enumerable.Range(1, 5).Select(i => Submit(q, i)).ToArray();
        runner.Gate.Set();

        var results = await Task.WhenAll(items);
        Assert.Equal([2f, 4, 6, 8, 10], results.Select(r => r.Output[0]));
        Assert.All(results, r => Assert.Equal(5, r.BatchSize));
        await held;
    }

    [Fact]
    public async Task A_batch_never_exceeds_the_max_batch_size()
    {
        var runner = new Runner();
        var q = Register(runner, maxBatch: 4);
        _batcher.Start();
        var held = await runner.HoldAsync(_batcher, q);
        var items = Enumerable.Range(1, 10).Select(i => Submit(q, i)).ToArray();
        runner.Gate.Set();
        await Task.WhenAll(items);
        await held;

        Assert.Equal([1, 4, 4, 2], runner.Batches.Select(b => b.Length));
    }

    [Fact]
    public async Task A_partial_batch_waits_out_its_window_then_runs_whole()
    {
        var runner = new Runner();
        var q = Register(runner, maxBatch: 8, maxDelayMs: 300);
        _batcher.Start();
        var items = Enumerable.Range(1, 3).Select(i => Submit(q, i)).ToArray();

        var results = await Task.WhenAll(items);
        Assert.Single(runner.Batches);
        Assert.All(results, r => Assert.Equal(3, r.BatchSize));
        Assert.True(results[0].QueueTime >= TimeSpan.FromMilliseconds(290), $"closed after {results[0].QueueTime.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_batch_that_fills_while_its_window_is_open_runs_at_once()
    {
        var runner = new Runner();
        var q = Register(runner, maxBatch: 8, maxDelayMs: 120_000);
        _batcher.Start();
        var first = Submit(q, 1);
        await Task.Delay(200); // lets the batcher's thread start waiting out the window; correct code passes either way
        var rest = Enumerable.Range(2, 7).Select(i => Submit(q, i)).ToArray();

        var results = await Task.WhenAll(rest.Prepend(first)).WaitAsync(Wait);
        Assert.All(results, r => Assert.Equal(8, r.BatchSize));
    }

    [Fact]
    public async Task An_item_with_a_shorter_window_is_not_held_behind_another_model_s_longer_one()
    {
        var (slowRunner, fastRunner) = (new Runner(), new Runner());
        var slow = Register(slowRunner, maxBatch: 8, maxDelayMs: 120_000, model: "slow");
        var fast = Register(fastRunner, maxBatch: 8, maxDelayMs: 50, model: "fast");
        _batcher.Start();
        var waiting = Submit(slow, 1);
        await Task.Delay(200); // lets the batcher's thread start waiting out the slow window; correct code passes either way

        var result = await Submit(fast, 2).WaitAsync(Wait);
        Assert.Equal(4f, result.Output[0]);
        Assert.False(waiting.IsCompleted);
    }

    [Fact]
    public async Task An_unregistered_queue_s_running_batch_ends_its_waiting_items_are_refused_and_the_other_queues_run_on()
    {
        var (runnerA, runnerB, runnerC) = (new Runner(), new Runner(), new Runner());
        var a = Register(runnerA, model: "a");
        var b = Register(runnerB, model: "b");
        _batcher.Start();
        var running = await runnerA.HoldAsync(_batcher, a);
        var waitingA = new[] { Submit(a, 1), Submit(a, 2) };
        var waitingB = new[] { Submit(b, 3), Submit(b, 4) };

        _batcher.Unregister(a);
        _batcher.Unregister(a);

        foreach (var item in waitingA)
        {
            var e = await Assert.ThrowsAsync<InferenceRejectedException>(() => item);
            Assert.Equal(RejectReason.ModelUnloaded, e.Reason);
        }

        runnerA.Gate.Set();
        Assert.Equal(0f, (await running).Output[0]);
        Assert.Equal([6f, 8], (await Task.WhenAll(waitingB)).Select(r => r.Output[0]));
        var c = Register(runnerC, model: "c");
        Assert.Equal(10f, (await Submit(c, 5)).Output[0]);
        Assert.Equal([0f], runnerA.Batches.Select(batch => batch[0]));
    }

    [Fact]
    public async Task Higher_lanes_run_first()
    {
        var runner = new Runner();
        var q = Register(runner);
        _batcher.Start();
        var held = await runner.HoldAsync(_batcher, q);
        var items = new[] { Submit(q, 3, BatchLane.Batch), Submit(q, 2, BatchLane.Interactive), Submit(q, 1, BatchLane.Realtime) };
        runner.Gate.Set();
        await Task.WhenAll(items);
        await held;

        Assert.Equal([0f, 1, 2, 3], runner.Batches.Select(b => b[0]));
    }

    [Fact]
    public async Task A_full_lane_rejects_at_once_and_other_lanes_still_take_work()
    {
        var runner = new Runner();
        var q = Register(runner, capacity: 2);
        _batcher.Start();
        var held = await runner.HoldAsync(_batcher, q);
        var queued = new[] { Submit(q, 1), Submit(q, 2) };

        var rejected = Submit(q, 3);
        Assert.True(rejected.IsFaulted, "a full lane must reject without waiting");
        var error = await Assert.ThrowsAsync<InferenceRejectedException>(() => rejected);
        Assert.Equal(RejectReason.QueueFull, error.Reason);
        Assert.True(error.RetryAfter > TimeSpan.Zero);

        var otherLane = Submit(q, 4, BatchLane.Realtime);
        runner.Gate.Set();
        await Task.WhenAll([.. queued, otherLane, held]);
    }

    private static readonly BatchTenant A = new("a", 1);
    private static readonly BatchTenant B = new("b", 1);

    [Fact]
    public async Task A_tenant_is_not_delayed_behind_another_tenants_flood()
    {
        var runner = new Runner();
        var q = Register(runner, maxBatch: 4);
        _batcher.Start();
        var held = await runner.HoldAsync(_batcher, q);
        var flood = Enumerable.Range(1, 20).Select(i => Submit(q, i, tenant: A)).ToArray();
        var light = new[] { Submit(q, 101, tenant: B), Submit(q, 102, tenant: B) };
        runner.Gate.Set();
        await Task.WhenAll([.. flood, .. light, held]);

        Assert.Equal([1f, 2, 101, 102], runner.Batches.ElementAt(1).Order());
    }

    [Fact]
    public async Task Tenants_share_a_contended_lane_by_their_weights()
    {
        var runner = new Runner();
        var q = Register(runner, maxBatch: 4);
        _batcher.Start();
        var held = await runner.HoldAsync(_batcher, q);
        var heavy = new BatchTenant("heavy", 3);
        var items = Enumerable.Range(1, 12).Select(i => Submit(q, i, tenant: heavy))
            .Concat(Enumerable.Range(101, 12).Select(i => Submit(q, i, tenant: B))).ToArray();
        runner.Gate.Set();
        await Task.WhenAll([.. items, held]);

        // Each batch of 4 after the held one: 3 of the weight-3 tenant, 1 of the weight-1 tenant, each in its own order.
        var batches = runner.Batches.Skip(1).Take(4).ToArray();
        Assert.All(batches, batch => Assert.Equal(3, batch.Count(id => id < 100)));
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (float)i), batches.SelectMany(b => b.Where(id => id < 100)));
        Assert.Equal([101f, 102, 103, 104], batches.SelectMany(b => b.Where(id => id > 100)));
    }

    [Fact]
    public async Task A_flooding_tenant_fills_only_its_own_queue()
    {
        var runner = new Runner();
        var q = Register(runner, capacity: 4);
        _batcher.Start();
        var held = await runner.HoldAsync(_batcher, q);
        var flood = Enumerable.Range(1, 4).Select(i => Submit(q, i, tenant: A)).ToArray();

        var refused = await Assert.ThrowsAsync<InferenceRejectedException>(() => Submit(q, 5, tenant: A));
        Assert.Equal(RejectReason.QueueFull, refused.Reason);
        var admitted = Submit(q, 101, tenant: B);
        Assert.False(admitted.IsCompleted);
        var anonymous = Submit(q, 201);
        Assert.Equal(6, _batcher.GetStats().QueueDepth[(int)BatchLane.Interactive]);

        runner.Gate.Set();
        await Task.WhenAll([.. flood, admitted, anonymous, held]);
    }

    [Fact]
    public async Task Another_tenants_backlog_counts_only_by_its_share_against_a_deadline()
    {
        var runner = new Runner();
        var q = Register(runner, itemCostMs: 100);
        _batcher.Start();
        var held = await runner.HoldAsync(_batcher, q);
        var flood = Enumerable.Range(1, 50).Select(i => Submit(q, i, tenant: A)).ToArray();

        var late = await Assert.ThrowsAsync<InferenceRejectedException>(
            () => Submit(q, 51, tenant: A, deadline: DateTime.UtcNow.AddSeconds(2)));
        Assert.Equal(RejectReason.DeadlineUnreachable, late.Reason);
        var light = Submit(q, 101, tenant: B, deadline: DateTime.UtcNow.AddSeconds(2));
        Assert.False(light.IsCompleted, "B's item waits behind one of A's, not fifty");

        runner.Gate.Set();
        await Task.WhenAll([.. flood, light, held]);
    }

    [Fact]
    public async Task An_item_cancelled_in_a_tenants_queue_leaves_the_others_to_run()
    {
        var runner = new Runner();
        var q = Register(runner);
        _batcher.Start();
        var held = await runner.HoldAsync(_batcher, q);
        using var cancel = new CancellationTokenSource();
        var a = Submit(q, 1, tenant: A);
        var cancelled = Submit(q, 101, cancellationToken: cancel.Token, tenant: B);
        var b = Submit(q, 102, tenant: B);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(2, _batcher.QueueDepths(q)[(int)BatchLane.Interactive]);

        runner.Gate.Set();
        await Task.WhenAll(a, b, held);
        Assert.Equal([1f, 102], runner.Batches.ElementAt(1));
        Assert.Equal(0, _batcher.QueueDepths(q)[(int)BatchLane.Interactive]);
    }

    [Fact]
    public async Task An_unregistered_model_fails_every_tenants_waiting_items()
    {
        var runner = new Runner();
        var q = Register(runner);
        _batcher.Start();
        var held = await runner.HoldAsync(_batcher, q);
        var waiting = new[] { Submit(q, 1, tenant: A), Submit(q, 101, tenant: B), Submit(q, 201) };

        _batcher.Unregister(q);
        foreach (var item in waiting)
        {
            Assert.Equal(RejectReason.ModelUnloaded, (await Assert.ThrowsAsync<InferenceRejectedException>(() => item)).Reason);
        }

        runner.Gate.Set();
        await held;
    }

    [Fact]
    public async Task The_pre_check_refuses_what_submitting_would_refuse_and_queues_nothing()
    {
        var runner = new Runner();
        var q = Register(runner, capacity: 1);
        _batcher.Start();
        var held = await runner.HoldAsync(_batcher, q);
        _batcher.ThrowIfWouldReject(q, BatchLane.Interactive, BatchTenant.None, Far); // room for one
        var queued = Submit(q, 1);

        var error = Assert.Throws<InferenceRejectedException>(() => _batcher.ThrowIfWouldReject(q, BatchLane.Interactive, BatchTenant.None, Far));
        Assert.Equal(RejectReason.QueueFull, error.Reason);
        _batcher.ThrowIfWouldReject(q, BatchLane.Realtime, BatchTenant.None, Far);
        Assert.Equal(1, _batcher.GetStats().QueueDepth[(int)BatchLane.Interactive]);

        runner.Gate.Set();
        await Task.WhenAll(queued, held);
    }

    [Fact]
    public async Task An_item_that_cannot_meet_its_deadline_is_rejected_before_it_costs_compute()
    {
        var runner = new Runner();
        var q = Register(runner, itemCostMs: 1000);
        _batcher.Start();

        var error = await Assert.ThrowsAsync<InferenceRejectedException>(() => Submit(q, 1, deadline: DateTime.UtcNow.AddMilliseconds(100)));
        Assert.Equal(RejectReason.DeadlineUnreachable, error.Reason);
        Assert.Empty(runner.Batches);
    }

    [Fact]
    public async Task An_item_whose_deadline_passes_in_the_queue_is_rejected_and_never_runs()
    {
        var runner = new Runner();
        var q = Register(runner);
        _batcher.Start();
        var held = await runner.HoldAsync(_batcher, q);

        var error = await Assert.ThrowsAsync<InferenceRejectedException>(() => Submit(q, 7, deadline: DateTime.UtcNow.AddMilliseconds(100)));
        Assert.Equal(RejectReason.DeadlineExpired, error.Reason);
        runner.Gate.Set();
        await held;
        await Submit(q, 8);
        Assert.DoesNotContain(runner.Batches, b => b.Contains(7f));
    }

    [Fact]
    public async Task A_cancelled_item_leaves_the_queue_and_never_runs()
    {
        var runner = new Runner();
        var q = Register(runner);
        _batcher.Start();
        var held = await runner.HoldAsync(_batcher, q);
        using var cancel = new CancellationTokenSource();
        var item = Submit(q, 7, cancellationToken: cancel.Token);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => item);
        runner.Gate.Set();
        await held;
        await Submit(q, 8);
        Assert.DoesNotContain(runner.Batches, b => b.Contains(7f));
    }

    [Fact]
    public async Task One_failing_item_fails_alone_and_its_batch_mates_succeed()
    {
        var runner = new Runner(inputs => inputs.Any(i => i[0] < 0)
            ? throw new InvalidOperationException("bad tensor")
            : [.. inputs.Select(i => new[] { i[0] * 2 })]);
        var q = Register(runner);
        _batcher.Start();
        var held = await runner.HoldAsync(_batcher, q);
        var good1 = Submit(q, 1);
        var bad = Submit(q, -1);
        var good2 = Submit(q, 2);
        runner.Gate.Set();

        Assert.Equal(2f, (await good1).Output[0]);
        Assert.Equal(4f, (await good2).Output[0]);
        var error = await Assert.ThrowsAsync<ItemFailedException>(() => bad);
        Assert.Contains("bad tensor", error.Message);
        await held;
    }

    [Fact]
    public async Task Deferred_inputs_are_prepared_on_the_device_and_a_failed_preparation_fails_alone()
    {
        var runner = new Runner();
        var q = Register(runner);
        _batcher.Start();
        var held = await runner.HoldAsync(_batcher, q);
        var preparedOn = new ConcurrentBag<int>();
        BatchInput Image(float id) => BatchInput.Deferred(() =>
        {
            preparedOn.Add(Environment.CurrentManagedThreadId);
            return id < 0 ? throw new InvalidOperationException("corrupt image") : new PreparedImage([id], ImageFit.Identity((int)id * 10, 5));
        });
        BatchInput[] inputs = [Image(1), Image(-1), Image(2)];
        var (good1, bad, good2) = (SubmitInput(inputs[0]), SubmitInput(inputs[1]), SubmitInput(inputs[2]));
        Assert.Empty(preparedOn); // nothing is decoded while it waits
        Assert.Null(inputs[0].Fit);
        runner.Gate.Set();

        Assert.Equal(2f, (await good1).Output[0]);
        Assert.Equal(4f, (await good2).Output[0]);
        Assert.Equal(ImageFit.Identity(10, 5), inputs[0].Fit); // what decoding found travels with the input
        Assert.Equal(ImageFit.Identity(20, 5), inputs[2].Fit);
        Assert.Equal("corrupt image", (await Assert.ThrowsAsync<InvalidOperationException>(() => bad)).Message);
        Assert.Equal(2, (await good1).BatchSize);
        Assert.True((await good1).PrepareTime > TimeSpan.Zero);
        Assert.Equal([0f, 1, 2], runner.Batches.SelectMany(b => b).Order());
        await held;

        Task<BatchItemResult> SubmitInput(BatchInput input) => _batcher.SubmitAsync(q, input, BatchLane.Interactive, BatchTenant.None, Far);
    }

    [Fact]
    public async Task A_model_that_returns_fewer_outputs_than_inputs_fails_every_item_it_short_changed()
    {
        var runner = new Runner(inputs => [.. inputs.Skip(1).Select(i => new[] { i[0] })]);
        var q = Register(runner);
        _batcher.Start();

        var error = await Assert.ThrowsAsync<ItemFailedException>(() => Submit(q, 1));
        Assert.Contains("returned 0 outputs for 1 inputs", error.Message);
    }

    [Fact]
    public async Task Batch_lane_batches_are_capped_to_the_realtime_budget()
    {
        var blocker = new Runner();
        var bulk = new Runner();
        var qBlock = Register(blocker, model: "blocker");
        var qBulk = Register(bulk, maxBatch: 8, itemCostMs: 40, model: "bulk"); // 100 ms budget: 2 items
        _batcher.Start();
        var held = await blocker.HoldAsync(_batcher, qBlock);
        var items = Enumerable.Range(1, 6).Select(i => Submit(qBulk, i, BatchLane.Batch)).ToArray();
        blocker.Gate.Set();
        await Task.WhenAll(items);
        await held;

        Assert.Equal(2, bulk.Batches.First().Length);
    }

    [Fact]
    public async Task Stopping_rejects_what_waits_as_shutting_down()
    {
        var runner = new Runner();
        var q = Register(runner);
        _batcher.Start();
        var held = await runner.HoldAsync(_batcher, q);
        var waiting = Submit(q, 1);

        var stop = Task.Run(_batcher.Dispose);
        var error = await Assert.ThrowsAsync<InferenceRejectedException>(() => waiting);
        Assert.Equal(RejectReason.ShuttingDown, error.Reason);
        runner.Gate.Set();
        await stop;
        await held;
        Assert.Equal(RejectReason.ShuttingDown, (await Assert.ThrowsAsync<InferenceRejectedException>(() => Submit(q, 2))).Reason);
    }

    [Fact]
    public async Task Stats_count_batches_items_and_waiting_items_per_lane()
    {
        var runner = new Runner();
        var q = Register(runner);
        _batcher.Start();
        var held = await runner.HoldAsync(_batcher, q);
        var items = new[] { Submit(q, 1, BatchLane.Realtime), Submit(q, 2, BatchLane.Batch), Submit(q, 3, BatchLane.Batch) };

        Assert.Equal([1, 0, 2], _batcher.GetStats().QueueDepth);
        runner.Gate.Set();
        await Task.WhenAll([.. items, held]);
        var stats = _batcher.GetStats();
        Assert.Equal(4, stats.Items);
        Assert.Equal(3, stats.Batches);
        Assert.Equal([0, 0, 0], stats.QueueDepth);
    }
}
