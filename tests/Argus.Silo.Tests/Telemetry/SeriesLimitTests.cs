using System.Diagnostics.Metrics;
using Argus.Inference.Telemetry;
using Argus.Silo.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Argus.Silo.Tests.Telemetry;

/// <summary>How many series an instrument may hold in the silo's meter provider, read from what it exports.</summary>
public sealed class SeriesLimitTests
{
    private const int Values = 1000;

    [Fact]
    public void Other_meters_keep_256_series_and_an_overflow_while_Argus_keeps_a_series_per_tag_value()
    {
        var builder = SiloHostBuilder.Create();
        var exported = new List<Metric>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(exported));
        using var app = builder.Build();
        var provider = app.Services.GetRequiredService<MeterProvider>();

        // Names of their own: other tests' providers in this process may listen to the same meters.
        using var orleans = new Meter("Microsoft.Orleans");
        using var argus = new Meter(ArgusTelemetry.MeterName);
        var orleansCounter = orleans.CreateCounter<long>($"argus.test.series.{Guid.NewGuid():N}");
        var argusCounter = argus.CreateCounter<long>($"argus.test.series.{Guid.NewGuid():N}");
        for (var i = 0; i < Values; i++)
        {
            orleansCounter.Add(1, new KeyValuePair<string, object?>("camera", $"cam-{i}"));
            argusCounter.Add(1, new KeyValuePair<string, object?>("camera", $"cam-{i}"));
        }

        provider.ForceFlush(); // its result also covers the Prometheus reader, which collects only for a scrape
        var orleansPoints = Points(exported, orleansCounter.Name);
        Assert.Equal(257, orleansPoints.Count);
        Assert.Single(orleansPoints, p => p.Tags.Contains(new("otel.metric.overflow", true)));
        Assert.Equal(Values, orleansPoints.Sum(p => p.Sum)); // past the limit nothing is lost, only who it was
        var argusPoints = Points(exported, argusCounter.Name);
        Assert.Equal(Values, argusPoints.Count);
        Assert.All(argusPoints, p => Assert.Equal(1, p.Sum));
    }

    private static List<(IReadOnlyList<KeyValuePair<string, object?>> Tags, long Sum)> Points(List<Metric> exported, string name)
    {
        List<(IReadOnlyList<KeyValuePair<string, object?>>, long)> points = [];
        foreach (var point in Assert.Single(exported, m => m.Name == name).GetMetricPoints())
        {
            List<KeyValuePair<string, object?>> tags = [];
            foreach (var tag in point.Tags)
            {
                tags.Add(tag);
            }

            points.Add((tags, point.GetSumLong()));
        }

        return points;
    }
}
