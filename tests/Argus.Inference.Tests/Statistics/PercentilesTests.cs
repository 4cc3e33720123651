using Argus.Inference.Statistics;

namespace Argus.Inference.Tests.Statistics;

public sealed class PercentilesTests
{
    private static readonly double[] OneToTen = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

    [Theory]
    [InlineData(50, 5)]
    [InlineData(90, 9)]
    [InlineData(95, 10)]
    [InlineData(99, 10)]
    [InlineData(100, 10)]
    [InlineData(10, 1)]
    [InlineData(0, 1)]
    public void Nearest_rank_is_the_smallest_value_with_that_share_at_or_below_it(double percent, double expected) =>
        Assert.Equal(expected, Percentiles.NearestRank(OneToTen, percent));

    [Fact]
    public void No_values_have_no_percentile_and_one_value_is_every_percentile()
    {
        Assert.True(double.IsNaN(Percentiles.NearestRank([], 50)));
        Assert.Equal(7, Percentiles.NearestRank([7], 1));
        Assert.Equal(7, Percentiles.NearestRank([7], 99));
    }
}
