using Argus.Grains.Models.Drift;
using Xunit.Abstractions;

namespace Argus.Grains.Tests.Models.Drift;

public sealed class MmdDriftTests(ITestOutputHelper output)
{
    private static float[][] Gaussian(Random random, int count, int dimensions, double shift = 0) =>
        [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, dimensions).Select(_ => (float)(Argus.Inference.Statistics.Gaussian.Sample(random) + shift)).ToArray())];

    [Fact]
    public void Two_samples_of_the_same_points_have_the_hand_computed_statistic_and_bandwidth()
    {
        // Pooled 0, 1, 0, 1: the positive squared distances are all 1, so σ² = ½ and k(0, 1) = e^−1. Unbiased MMD² is
        // k(0,1) + k(0,1) − 2·(1 + 1 + 2·k(0,1))/4 = e^−1 − 1.
        var result = MmdDrift.Test([[0], [1]], [[0], [1]], new Random(1));

        Assert.Equal(Math.Exp(-1) - 1, result.Mmd2, 12);
        Assert.Equal(Math.Sqrt(0.5), result.Sigma, 12);
        Assert.Equal((2, 2, 1, 100), (result.ReferenceCount, result.WindowCount, result.Dimensions, result.Permutations));
    }

    [Fact]
    public void The_statistic_is_the_unbiased_estimate_written_out()
    {
        var random = new Random(2);
        var x = Gaussian(random, 5, 3);
        var y = Gaussian(random, 7, 3, shift: 0.3);
        var pooled = x.Concat(y).ToArray();
        var squared = (from a in pooled from b in pooled where a != b select SquaredDistance(a, b)).Order().ToArray();
        var median = squared[(squared.Length - 1) / 2]; // every pair twice: the lower median of the pairs
        double K(float[] a, float[] b) => Math.Exp(-SquaredDistance(a, b) / median);
        var xx = (from a in x from b in x where a != b select K(a, b)).Sum() / (5 * 4);
        var yy = (from a in y from b in y where a != b select K(a, b)).Sum() / (7 * 6);
        var xy = (from a in x from b in y select K(a, b)).Sum() / (5 * 7);

        var result = MmdDrift.Test(x, y, random);

        Assert.Equal(xx + yy - (2 * xy), result.Mmd2, 12);
        Assert.Equal(Math.Sqrt(median / 2), result.Sigma, 12);
    }

    [Fact]
    public void Same_distribution_windows_drift_at_about_the_significance_level()
    {
        const int trials = 200;
        var pValues = new double[trials];
        for (var seed = 0; seed < trials; seed++)
        {
            var random = new Random(seed);
            pValues[seed] = MmdDrift.Test(Gaussian(random, 100, 32), Gaussian(random, 100, 32), random).PValue;
        }

        var rate = pValues.Count(p => p < 0.05) / (double)trials;
        output.WriteLine($"False alarms at α = 0.05 on {trials} same-distribution pairs (Gaussian, n = m = 100, d = 32, 100 permutations): {rate:P1}; mean p {pValues.Average():F3}");

        // The permutation test's level is exact, so the rate is about 5 % (binomial sd 1.5 points); the mean p-value of about
        // a half shows the test is not merely timid.
        Assert.InRange(rate, 0.01, 0.1);
        Assert.InRange(pValues.Average(), 0.4, 0.6);
    }

    [Fact]
    public void A_shift_of_half_a_standard_deviation_in_every_dimension_is_found()
    {
        const int trials = 50;
        var found = 0;
        for (var seed = 0; seed < trials; seed++)
        {
            var random = new Random(1000 + seed);
            found += MmdDrift.Test(Gaussian(random, 100, 32), Gaussian(random, 100, 32, shift: 0.5), random).PValue < 0.05 ? 1 : 0;
        }

        output.WriteLine($"A 0.5σ shift found at α = 0.05 in {found} of {trials} windows (n = m = 100, d = 32)");
        Assert.True(found >= trials - 1, $"found in {found} of {trials}");
    }

    [Fact]
    public void A_random_projection_keeps_the_shift_found()
    {
        const int trials = 20;
        var projection = new RandomProjection(256, 32, seed: 7);
        var found = 0;
        for (var seed = 0; seed < trials; seed++)
        {
            var random = new Random(2000 + seed);
            var result = MmdDrift.Test(Gaussian(random, 100, 256), Gaussian(random, 100, 256, shift: 0.25), random, projection: projection);
            Assert.Equal(32, result.Dimensions);
            found += result.PValue < 0.05 ? 1 : 0;
        }

        output.WriteLine($"A 0.25σ shift in 256 dimensions found after projection to 32 in {found} of {trials} windows");
        Assert.True(found >= trials - 1, $"found in {found} of {trials}");
    }

    [Fact]
    public void The_same_seed_gives_the_same_p_value_and_the_p_value_is_never_zero()
    {
        var x = Gaussian(new Random(3), 30, 4);
        var y = Gaussian(new Random(4), 30, 4, shift: 5);

        var first = MmdDrift.Test(x, y, new Random(9), permutations: 20);

        Assert.Equal(first, MmdDrift.Test(x, y, new Random(9), permutations: 20));
        Assert.Equal(1.0 / 21, first.PValue, 12);
    }

    [Fact]
    public void Identical_vectors_everywhere_show_no_drift()
    {
        float[][] same = [[1, 2], [1, 2], [1, 2]];

        var result = MmdDrift.Test(same, same, new Random(5));

        Assert.Equal(0, result.Mmd2, 12);
        Assert.Equal(1, result.PValue);
    }

    [Fact]
    public void Too_few_vectors_different_lengths_or_non_finite_values_are_refused()
    {
        float[][] two = [[0, 1], [1, 0]];

        Assert.Throws<ArgumentException>(() => MmdDrift.Test([[0, 1]], two, new Random(1)));
        Assert.Throws<ArgumentException>(() => MmdDrift.Test(two, [[0, 1], [1, 0, 0]], new Random(1)));
        Assert.Throws<ArgumentException>(() => MmdDrift.Test(two, [[0, 1], [float.NaN, 0]], new Random(1)));
        Assert.Throws<ArgumentException>(() => MmdDrift.Test([[], []], [[], []], new Random(1)));
        Assert.Throws<ArgumentException>(() => MmdDrift.Test(two, two, new Random(1), projection: new RandomProjection(3, 2, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => MmdDrift.Test(two, two, new Random(1), permutations: 0));
    }

    private static double SquaredDistance(float[] a, float[] b) => a.Zip(b, (u, v) => ((double)u - v) * ((double)u - v)).Sum();
}
