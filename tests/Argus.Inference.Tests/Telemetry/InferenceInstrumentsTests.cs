using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Argus.Inference.Batching;
using Argus.Inference.Devices;
using Argus.Inference.Models;
using Argus.Inference.Sessions;
using Argus.Inference.Telemetry;
using Argus.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Argus.Inference.Tests.Telemetry;

/// <summary>
/// The inference instruments read from a real batcher whose model the test holds on a gate, so what waits and what runs
/// is known exactly when the instruments are read; time is a fake clock.
/// </summary>
public sealed class InferenceInstrumentsTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly InferenceLabels Labels = new("m", "7", "sim3", "sim");
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
    private readonly GatedSession _session = new();
    private readonly InferenceInstruments _instruments;
    private readonly MicroBatcher _batcher;
    private readonly BatchQueue _queue;

    public InferenceInstrumentsTests()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        _instruments = new InferenceInstruments(meters);
        _batcher = new MicroBatcher("sim3", _time, NullLogger.Instance, _instruments);
        _queue = _batcher.Register(Labels, new BatchingOptions { MaxBatchSize = 8, MaxDelayMs = 0 }, _session, TimeSpan.FromMilliseconds(1));
        var model = new LoadedModel(new ModelOptions { Name = "m", Version = "7" }, _session, [], _queue);
        _instruments.Track(new InferenceDevice(new ExecutionTarget("sim3", "sim", "sim:test", "", null), _batcher, [model], new(), _instruments));
        _batcher.Start();
    }

    public void Dispose()
    {
        _session.Gate.Set();
        _batcher.Dispose();
        _services.Dispose();
    }

    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    private Task<BatchItemResult> Submit(float id, BatchLane lane = BatchLane.Interactive) =>
        _batcher.SubmitAsync(_queue, BatchInput.Ready([id]), lane, BatchTenant.None, _time.GetUtcNow().UtcDateTime.AddMinutes(5));

    /// <summary>Holds the next batch on the gate and returns once it runs.</summary>
    private async Task<Task<BatchItemResult>> HoldAsync()
    {
        _session.Gate.Reset();
        var held = Submit(0);
        Assert.True(await _session.Entered.WaitAsync(Wait));
        return held;
    }

    [Fact]
    public async Task A_batch_size_is_recorded_once_per_batch_with_its_model_version_device_kind_and_lane()
    {
        using var sizes = new MetricCollector<int>(Meters, ArgusTelemetry.MeterName, "argus.inference.batch.size");
        var held = await HoldAsync();
        var items = Enumerable.Range(1, 5).Select(i => Submit(i)).ToArray();
        _session.Gate.Set();
        await Task.WhenAll([held, .. items]);

        var batches = sizes.GetMeasurementSnapshot();
        Assert.Equal([1, 5], batches.Select(b => b.Value));
        Assert.All(batches, b =>
        {
            Assert.Equal("m", b.Tags["model"]);
            Assert.Equal("7", b.Tags["version"]);
            Assert.Equal("sim3", b.Tags["device"]);
            Assert.Equal("sim", b.Tags["device_kind"]);
            Assert.Equal("interactive", b.Tags["lane"]);
        });
    }

    [Fact]
    public async Task Queue_depth_is_read_per_model_and_lane_as_the_queues_are_when_collected()
    {
        using var depth = new MetricCollector<int>(Meters, ArgusTelemetry.MeterName, "argus.inference.queue.depth");
        var held = await HoldAsync();
        var items = new[] { Submit(1, BatchLane.Realtime), Submit(2, BatchLane.Batch), Submit(3, BatchLane.Batch) };

        depth.RecordObservableInstruments();
        var waiting = depth.GetMeasurementSnapshot(clear: true).ToDictionary(m => (string)m.Tags["lane"]!, m => m.Value);
        Assert.Equal(new Dictionary<string, int> { ["realtime"] = 1, ["interactive"] = 0, ["batch"] = 2 }, waiting);

        _session.Gate.Set();
        await Task.WhenAll([held, .. items]);
        depth.RecordObservableInstruments();
        Assert.All(depth.GetMeasurementSnapshot(), m => Assert.Equal(0, m.Value));
    }

    [Fact]
    public async Task Busy_time_and_utilization_count_the_running_batch_before_it_ends()
    {
        using var busy = new MetricCollector<double>(Meters, ArgusTelemetry.MeterName, "argus.device.busy.time");
        using var utilization = new MetricCollector<double>(Meters, ArgusTelemetry.MeterName, "argus.device.utilization");
        var held = await HoldAsync();
        _time.Advance(TimeSpan.FromSeconds(2));

        busy.RecordObservableInstruments();
        utilization.RecordObservableInstruments();
        Assert.Equal(2.0, busy.LastMeasurement!.Value, 3);
        Assert.Equal("sim", busy.LastMeasurement.Tags["device_kind"]);
        Assert.Equal(1.0, utilization.LastMeasurement!.Value, 3);

        _session.Gate.Set();
        await held;
        _time.Advance(TimeSpan.FromSeconds(8));
        busy.RecordObservableInstruments();
        utilization.RecordObservableInstruments();
        Assert.Equal(2.0, busy.LastMeasurement!.Value, 3);
        Assert.Equal(0.2, utilization.LastMeasurement!.Value, 3); // 2 s busy of the 10 s since start
    }

    [Fact]
    public async Task Each_item_records_its_batch_as_a_span_in_its_own_trace()
    {
        ConcurrentQueue<Activity> spans = new();
        using var callers = new ActivitySource("Argus.Tests.Callers");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is ArgusTelemetry.ActivitySourceName or "Argus.Tests.Callers",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var held = await HoldAsync();
        List<Activity> requests = [];
        List<Task<BatchItemResult>> items = [];
        foreach (var name in new[] { "request a", "request b" })
        {
            Activity.Current = null; // each request a trace of its own
            var request = callers.StartActivity(name)!;
            requests.Add(request);
            items.Add(Submit(requests.Count));
        }

        Activity.Current = null;
        _session.Gate.Set();
        await Task.WhenAll([held, .. items]);

        // The batch is recorded in each trace after its items are answered, so the answers can arrive first.
        bool Recorded(Activity r) => spans.Any(s => s.OperationName == "argus.batch" && s.TraceId == r.TraceId);
        await Eventually.HoldsAsync(() => Task.FromResult(requests.All(Recorded)), Wait, "the batch span in each request's trace");
        var batch = requests.Select(r => spans.Single(s => s.OperationName == "argus.batch" && s.TraceId == r.TraceId)).ToArray();
        Assert.Equal(requests.Select(r => r.SpanId), batch.Select(b => b.ParentSpanId));
        Assert.All(batch, b =>
        {
            Assert.Equal(2, b.GetTagItem("argus.batch.size"));
            Assert.Equal("m", b.GetTagItem("argus.model"));
            Assert.Equal("sim", b.GetTagItem("argus.device.kind"));
        });
        Assert.Single(batch.Select(b => b.GetTagItem("argus.batch.id")).Distinct());
        Assert.DoesNotContain(spans, s => s.OperationName == "argus.batch" && s.ParentSpanId == default); // the held item had no caller
        requests.ForEach(r => r.Dispose());
    }

    /// <summary>A model session whose batches wait on <see cref="Gate"/>; it answers each item with its input.</summary>
    private sealed class GatedSession : IModelSession
    {
        public ManualResetEventSlim Gate { get; } = new(true);

        public SemaphoreSlim Entered { get; } = new(0);

        public TensorDescription Input { get; } = new("in", [-1, 1]);

        public TensorDescription Output { get; } = new("out", [-1, 1]);

        public float[][] Run(IReadOnlyList<float[]> inputs)
        {
            Entered.Release();
            Assert.True(Gate.Wait(Wait), "the test never opened the gate");
            return [.. inputs];
        }

        public void Dispose()
        {
        }
    }
}
