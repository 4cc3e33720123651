using Argus.Grains.Models.Drift;

namespace Argus.Grains.Tests.Models.Drift;

public sealed class HistogramDriftTests
{
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
