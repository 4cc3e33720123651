using System.Diagnostics.Metrics;
using Argus.Grains.Pipelines;
using Argus.Inference.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Argus.Grains.Tests.Pipelines;

/// <summary>The final deadline's rules and the lag SLO's instruments, on a fake clock.</summary>
public sealed class PipelineInstrumentsTests : IDisposable
{
    private static readonly DateTime Submitted = new(2026, 12, 6, 9, 0, 0, DateTimeKind.Utc);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(Submitted));

    public void Dispose() => _services.Dispose();

    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    [Fact]
    public void A_pending_item_is_at_risk_past_half_its_deadline_and_a_final_is_late_past_all_of_it()
    {
        Assert.Equal(Submitted.AddSeconds(300), FinalDeadline.AtRiskAt(Submitted, 600));
        Assert.False(FinalDeadline.IsAtRisk(Submitted, 600, Submitted.AddSeconds(300)));
        Assert.True(FinalDeadline.IsAtRisk(Submitted, 600, Submitted.AddSeconds(300.001)));
        Assert.False(FinalDeadline.IsLate(TimeSpan.FromSeconds(600), 600));
        Assert.True(FinalDeadline.IsLate(TimeSpan.FromSeconds(600.001), 600));
    }

    [Fact]
    public void Each_final_lag_is_recorded_per_pipeline_and_the_late_ones_counted()
    {
        var instruments = new PipelineInstruments(Meters, _time);
        using var lag = new MetricCollector<double>(Meters, ArgusTelemetry.MeterName, "argus.pipeline.final.lag");
        using var late = new MetricCollector<long>(Meters, ArgusTelemetry.MeterName, "argus.pipeline.final.late");

        instruments.Finished("moderation", TimeSpan.FromSeconds(12), deadlineS: 600);
        instruments.Finished("moderation", TimeSpan.FromSeconds(700), deadlineS: 600);
        instruments.Finished("other", TimeSpan.FromSeconds(2), deadlineS: 1);

        Assert.Equal([12.0, 700.0, 2.0], lag.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Equal(["moderation", "moderation", "other"], lag.GetMeasurementSnapshot().Select(m => (string)m.Tags["pipeline"]!));
        Assert.Equal(["moderation", "other"], late.GetMeasurementSnapshot().Select(m => (string)m.Tags["pipeline"]!));
        Assert.Equal(2, late.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public void Pending_items_and_the_oldest_ones_age_are_read_per_pipeline_and_read_zero_once_none_is_left()
    {
        var instruments = new PipelineInstruments(Meters, _time);
        using var pending = new MetricCollector<long>(Meters, ArgusTelemetry.MeterName, "argus.pipeline.pending");
        using var age = new MetricCollector<double>(Meters, ArgusTelemetry.MeterName, "argus.pipeline.pending.oldest_age");

        instruments.Waiting("moderation/a", "moderation", Submitted);
        instruments.Waiting("moderation/b", "moderation", Submitted.AddSeconds(30));
        instruments.Waiting("moderation/b", "moderation", Submitted.AddSeconds(30)); // reactivated: counted once
        instruments.Waiting("other/c", "other", Submitted.AddSeconds(50));
        _time.Advance(TimeSpan.FromSeconds(60));

        Assert.Equal(new Dictionary<string, double> { ["moderation"] = 2, ["other"] = 1 }, Read(pending));
        Assert.Equal(new Dictionary<string, double> { ["moderation"] = 60, ["other"] = 10 }, Read(age));

        instruments.Left("moderation/a");
        instruments.Left("other/c");
        instruments.Left("other/c");

        Assert.Equal(new Dictionary<string, double> { ["moderation"] = 1, ["other"] = 0 }, Read(pending));
        Assert.Equal(new Dictionary<string, double> { ["moderation"] = 30, ["other"] = 0 }, Read(age));
    }

    private static Dictionary<string, double> Read<T>(MetricCollector<T> collector)
        where T : struct
    {
        collector.RecordObservableInstruments();
        return collector.GetMeasurementSnapshot(clear: true).ToDictionary(m => (string)m.Tags["pipeline"]!, m => Convert.ToDouble(m.Value, System.Globalization.CultureInfo.InvariantCulture));
    }
}
