using Argus.Grains.Models.Drift;

using Xunit.Abstractions;

namespace Argus.Grains.Tests.Models.Drift;

public sealed class HistogramDriftTests(ITestOutputHelper output)
{
    private static int[] Draw(Random random, int count, double[] shares) => [.. Enumerable.Range(0, count).Select(_ =>
    {
        var u = random.NextDouble();
        var k = 0;
        for (; k < shares.Length - 1 && u >= shares[k]; k++)
        {
            u -= shares[k];
        }

        return k;
    })];

    [Fact]
    public void Same_distribution_windows_drift_at_about_the_significance_level_even_over_many_sparse_classes()
    {
        // 200 values over 100 classes: the chance divergence is large (about 0.2 bits), yet the permutation p-value holds its level.
        const int trials = 200;
        var shares = Enumerable.Repeat(0.01, 100).ToArray();
        var pValues = new double[trials];
        var divergence = 0.0;
        for (var seed = 0; seed < trials; seed++)
        {
            var random = new Random(seed);
            var result = HistogramDrift.Test(Draw(random, 200, shares), Draw(random, 200, shares), random);
            (pValues[seed], divergence) = (result.PValue, divergence + (result.JensenShannon / trials));
        }

        var rate = pValues.Count(p => p < 0.05) / (double)trials;
        output.WriteLine($"False alarms at α = 0.05 on {trials} same-distribution pairs (100 classes, n = m = 200): {rate:P1}; mean p {pValues.Average():F3}, mean JS {divergence:F3} bits");
        Assert.InRange(rate, 0.01, 0.1);
        Assert.InRange(pValues.Average(), 0.4, 0.6);
    }

    [Fact]
    public void A_class_that_takes_a_fifth_of_the_window_is_found()
    {
        var found = 0;
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(500 + seed);
            found += HistogramDrift.Test(Draw(random, 200, [0.5, 0.5, 0]), Draw(random, 200, [0.4, 0.4, 0.2]), random).PValue < 0.05 ? 1 : 0;
        }

        Assert.Equal(20, found);
    }

    [Fact]
    public void The_test_reports_the_divergence_and_PSI_of_the_two_histograms()
    {
        var result = HistogramDrift.Test([0, 0, 1, 1], [1, 1, 1, 0, 2], new Random(1), permutations: 10);

        Assert.Equal(HistogramDrift.JensenShannon([2, 2, 0], [1, 3, 1]), result.JensenShannon, 12);
        Assert.Equal(HistogramDrift.Psi([2, 2, 0], [1, 3, 1]), result.Psi, 12);
        Assert.Equal((3, 4, 5, 10), (result.Classes, result.ReferenceCount, result.WindowCount, result.Permutations));
    }

    [Fact]
    public void One_class_everywhere_shows_no_drift_and_bad_input_is_refused()
    {
        Assert.Equal(1, HistogramDrift.Test([3, 3, 3], [3, 3], new Random(2)).PValue);
        Assert.Throws<ArgumentException>(() => HistogramDrift.Test([], [1], new Random(2)));
        Assert.Throws<ArgumentException>(() => HistogramDrift.Test([1], [-1], new Random(2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => HistogramDrift.Test([1], [1], new Random(2), permutations: 0));
    }

    [Fact]
    public void Histograms_with_the_same_shares_have_no_drift()
    {
        Assert.Equal(0, HistogramDrift.Psi([10, 0, 30], [20, 0, 60]), 12);
        Assert.Equal(0, HistogramDrift.JensenShannon([10, 0, 30], [20, 0, 60]), 12);
    }

    [Fact]
    public void Histograms_with_no_class_in_common_are_one_bit_apart()
    {
        Assert.Equal(1, HistogramDrift.JensenShannon([5, 5, 0, 0], [0, 0, 3, 9]), 12);
        Assert.True(HistogramDrift.Psi([5, 5, 0, 0], [0, 0, 3, 9]) > 10);
    }

    [Fact]
    public void PSI_is_the_sum_of_share_differences_times_their_log_ratio()
    {
        var expected = ((0.25 - 0.5) * Math.Log(0.25 / 0.5)) + ((0.75 - 0.5) * Math.Log(0.75 / 0.5));

        Assert.Equal(expected, HistogramDrift.Psi([50, 50], [25, 75]), 12);
    }

    [Fact]
    public void An_empty_class_counts_as_the_epsilon_share_in_PSI()
    {
        var expected = ((HistogramDrift.Epsilon - 0.5) * Math.Log(HistogramDrift.Epsilon / 0.5)) + ((1 - 0.5) * Math.Log(1 / 0.5));

        Assert.Equal(expected, HistogramDrift.Psi([1, 1], [0, 4]), 12);
    }

    [Fact]
    public void Jensen_Shannon_is_symmetric_and_in_bits()
    {
        // p = (½, ½), q = (1, 0), m = (¾, ¼).
        var expected = (0.5 * ((0.5 * Math.Log2(0.5 / 0.75)) + (0.5 * Math.Log2(0.5 / 0.25)))) + (0.5 * Math.Log2(1 / 0.75));

        Assert.Equal(expected, HistogramDrift.JensenShannon([1, 1], [7, 0]), 12);
        Assert.Equal(expected, HistogramDrift.JensenShannon([7, 0], [1, 1]), 12);
    }

    [Fact]
    public void Histograms_that_cannot_be_compared_are_refused()
    {
        Assert.Throws<ArgumentException>(() => HistogramDrift.Psi([1, 2], [1, 2, 3]));
        Assert.Throws<ArgumentException>(() => HistogramDrift.JensenShannon([0, 0], [1, 2]));
        Assert.Throws<ArgumentException>(() => HistogramDrift.JensenShannon([1, 2], []));
        Assert.Throws<ArgumentException>(() => HistogramDrift.Psi([1, -2], [1, 2]));
    }
}
