using System.Diagnostics;
using System.Diagnostics.Metrics;
using Argus.Devices;
using Argus.Errors;
using Argus.Grains.Models.Drift;
using Argus.Inference.Telemetry;
using Argus.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Argus.Grains.Tests.Models.Drift;

/// <summary>The sampler against the test cluster's monitors: what it takes, what it drops, and what a flush hands over.</summary>
public sealed class DriftSamplerTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>, IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    private DriftSampler Sampler(bool enabled = true, double share = 1, int buffer = 1024) => new(
        Options.Create(new DriftOptions { Enabled = enabled, SampleShare = share, BufferSize = buffer }), new DriftInstruments(Meters),
        fixture.Cluster.GrainFactory, TimeProvider.System, NullLogger<DriftSampler>.Instance);

    private static ItemResult Embedding(float value) => new() { Embedding = [value, 1 - value] };

    private Task<DriftStatus?> StatusAsync(string model) => DriftMonitors.GrainOf(fixture.Cluster.GrainFactory, model, "1").GetStatusAsync();

    [Fact]
    public async Task A_full_buffer_drops_samples_at_once_and_counts_them_and_a_flush_hands_over_what_it_held()
    {
        var sampler = Sampler(buffer: 4);
        using var dropped = new MetricCollector<long>(Meters, ArgusTelemetry.MeterName, "argus.drift.samples.dropped");

        // Nothing reads the buffer while it is offered to: a write that waited for room would never return.
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 1000; i++)
        {
            sampler.Offer("Drift-Full", "1", Embedding(i / 1000f));
        }

        watch.Stop();
        Assert.Equal(996, dropped.GetMeasurementSnapshot().EvaluateAsCounter());
        await sampler.FlushAsync();
        Assert.Equal(4, (await StatusAsync("drift-full"))!.Samples);

        sampler.Offer("drift-full", "1", Embedding(0.5f)); // room again after the flush
        await sampler.FlushAsync();
        Assert.Equal(5, (await StatusAsync("drift-full"))!.Samples);
        Assert.Equal(996, dropped.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.True(watch.ElapsedMilliseconds < 5000, $"1000 offers took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Failed_items_items_of_unsampled_calls_and_items_of_a_silo_with_drift_off_or_no_share_are_not_taken()
    {
        var on = Sampler();
        on.Offer("drift-failed", "1", ItemResult.Failed(new InferenceError(ErrorKind.BadInput, "no", null)));
        RequestContext.Set(DriftSampler.Unsampled, true);
        on.Offer("drift-unsampled", "1", Embedding(0.1f));
        RequestContext.Clear();
        on.Offer("drift-sampled", "1", Embedding(0.1f));
        Sampler(enabled: false).Offer("drift-off", "1", Embedding(0.1f));
        Sampler(share: 0).Offer("drift-no-share", "1", Embedding(0.1f));

        await on.FlushAsync();

        Assert.Equal(1, (await StatusAsync("drift-sampled"))!.Samples);
        foreach (var model in new[] { "drift-failed", "drift-unsampled", "drift-off", "drift-no-share" })
        {
            Assert.Null(await StatusAsync(model));
        }
    }

    [Fact]
    public void A_sample_is_the_embedding_the_raw_output_the_top_class_or_the_region_count()
    {
        Assert.Equal((DriftOutput.Embedding, 2), Shape(DriftSampler.ToSample(Embedding(0.3f))));
        Assert.Equal((DriftOutput.Raw, 3), Shape(DriftSampler.ToSample(new ItemResult { Raw = [1, 2, 3] })));
        Assert.Equal(new DriftSample(DriftOutput.Class, null, 7),
            DriftSampler.ToSample(new ItemResult { Classes = [new ClassScore(7, "a", 0.9f), new ClassScore(2, "b", 0.1f)] }));
        Assert.Equal(new DriftSample(DriftOutput.Count, null, 2), DriftSampler.ToSample(new ItemResult
        {
            Detections = [new Detection(0.9f, 0, 0, 1, 1, []), new Detection(0.8f, 2, 2, 1, 1, [])],
        }));
        Assert.Equal(new DriftSample(DriftOutput.Count, null, 0), DriftSampler.ToSample(new ItemResult { Detections = [] }));
        Assert.Null(DriftSampler.ToSample(new ItemResult { Classes = [] }));

        static (DriftOutput, int) Shape(DriftSample? s) => (s!.Output, s.Vector!.Length);
    }
}
