using Argus.Models;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Argus.Abstractions.Tests.Models;

public sealed class LatencyHistogramTests
{
    private static LatencyHistogram Of(IEnumerable<double> latenciesMs)
    {
        var recorder = new LatencyRecorder();
        foreach (var ms in latenciesMs)
        {
            recorder.Record(ms);
        }

        return recorder.Take();
    }

    /// <summary>Latencies spread like a service's: log-normal around 20 ms, a tenth of them a slow tail up to seconds.</summary>
    private static double[] Latencies(int seed, int count)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => random.NextDouble() < 0.1
            ? 200 + (random.NextDouble() * 3000)
            : Math.Exp(Math.Log(20) + (0.8 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))))];
    }

    private static double NearestRank(double[] sorted, double q) => sorted[Math.Max(1, (int)Math.Ceiling(q * sorted.Length)) - 1];

    [Theory]
    [InlineData(1, 10_000)]
    [InlineData(2, 1_000)]
    [InlineData(3, 37)]
    public void Quantiles_are_within_the_relative_error_of_the_exact_percentiles(int seed, int count)
    {
        var latencies = Latencies(seed, count);
        var histogram = Of(latencies);
        Array.Sort(latencies);

        Assert.Equal(count, histogram.Count);
        foreach (var q in new[] { 0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1 })
        {
            var exact = NearestRank(latencies, q);
            var error = Math.Abs(histogram.Quantile(q) - exact) / exact;
            Assert.True(error <= LatencyHistogram.RelativeError + 1e-9, $"q {q}: {histogram.Quantile(q)} for {exact} ({error:P2})");
        }
    }

    [Fact]
    public void The_mean_is_exact()
    {
        Assert.Equal(2.5, Of([1, 2, 3, 4]).MeanMs, 9);
        Assert.Equal(2.5, Of([1, 2, 3, 4]).Sum.TotalMilliseconds / 4, 9);
    }

    [Fact]
    public void Merging_gives_what_recording_everything_into_one_gives()
    {
        var latencies = Latencies(4, 5_000);
        var parts = latencies.Chunk(1_300).Select(Of).ToArray();

        var merged = parts.Aggregate(LatencyHistogram.Empty, (all, part) => all.Merge(part));

        Assert.Equal(Of(latencies), merged);
        Assert.Equal(parts[1].Merge(parts[0]), parts[0].Merge(parts[1]));
        Assert.Same(parts[0], parts[0].Merge(LatencyHistogram.Empty));
        Assert.Same(parts[0], LatencyHistogram.Empty.Merge(parts[0]));
    }

    [Fact]
    public void An_empty_histogram_has_no_count_quantile_or_mean()
    {
        var empty = new LatencyRecorder().Take();

        Assert.Equal(LatencyHistogram.Empty, empty);
        Assert.Equal(0, empty.Count);
        Assert.Empty(empty.Buckets);
        Assert.True(double.IsNaN(empty.Quantile(0.95)));
        Assert.True(double.IsNaN(empty.MeanMs));
    }

    [Fact]
    public void Latencies_below_the_lowest_bucket_or_beyond_the_highest_are_bounded()
    {
        Assert.Equal(LatencyHistogram.MinMs, Of([0.001, 0, -5, double.NaN]).Quantile(1));
        Assert.Equal(0, Of([-5, double.NaN]).MeanMs);

        var beyond = Of([1e9, double.PositiveInfinity]);

        Assert.InRange(beyond.Quantile(0), LatencyHistogram.MaxMs, LatencyHistogram.MaxMs * (1 + (2 * LatencyHistogram.RelativeError)));
        Assert.Equal(LatencyHistogram.MaxMs, beyond.MeanMs, 6);
    }

    [Fact]
    public void A_window_holds_only_the_buckets_it_uses()
    {
        // A factor of ten takes ln 10 / ln 1.0513 ≈ 47 buckets however many latencies there are.
        var random = new Random(5);
        var window = Of(Enumerable.Range(0, 100_000).Select(_ => 10 + (90 * random.NextDouble())));

        Assert.InRange(window.Buckets.Length, 40, 48);
        Assert.Equal(window.Buckets.Order(), window.Buckets);
        Assert.All(window.Counts, c => Assert.True(c > 0));
    }

    [Fact]
    public void A_histogram_round_trips_through_the_serializer_and_an_empty_one_is_small()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        var histogram = Of(Latencies(6, 500));

        Assert.Equal(histogram, serializer.Deserialize<LatencyHistogram>(serializer.SerializeToArray(histogram)));
        Assert.Equal(LatencyHistogram.Empty, serializer.Deserialize<LatencyHistogram>(serializer.SerializeToArray(LatencyHistogram.Empty)));
        Assert.True(serializer.SerializeToArray(LatencyHistogram.Empty).Length < 32);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void A_quantile_outside_0_to_1_is_refused(double q) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Of([1]).Quantile(q));
}
