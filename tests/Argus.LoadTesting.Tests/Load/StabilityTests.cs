using Argus.LoadTesting.Load;

namespace Argus.LoadTesting.Tests.Load;

public sealed class StabilityTests
{
    [Fact]
    public void Three_windows_within_the_percentage_of_their_mean_are_stable() =>
        Assert.True(Stability.IsStable([(100, 50), (95, 54), (105, 46)], 10));

    [Fact]
    public void Fewer_than_three_windows_are_never_stable() =>
        Assert.False(Stability.IsStable([(100, 50), (100, 50)], 10));

    [Theory]
    [InlineData(120, 50)] // throughput: mean 106.7, 120 is 12.5% off
    [InlineData(100, 60)] // p95: mean 53.3, 60 is 12.5% off
    public void One_quantity_outside_the_percentage_is_not_stable(double throughput, double p95) =>
        Assert.False(Stability.IsStable([(100, 50), (100, 50), (throughput, p95)], 10));

    [Fact]
    public void Only_the_last_three_windows_count() =>
        Assert.True(Stability.IsStable([(10, 500), (100, 50), (100, 50), (100, 50)], 10));

    [Fact]
    public void A_wider_percentage_accepts_more_spread() =>
        Assert.True(Stability.IsStable([(100, 50), (100, 50), (120, 60)], 15));

    [Fact]
    public void Windows_with_nothing_answered_agree_only_with_each_other()
    {
        Assert.True(Stability.IsStable([(0, double.NaN), (0, double.NaN), (0, double.NaN)], 10));
        Assert.False(Stability.IsStable([(0, double.NaN), (0, double.NaN), (1, 40)], 10));
    }
}
