using Argus.Models;

namespace Argus.Abstractions.Tests.Models;

public sealed class RolloutSpecTests
{
    [Fact]
    public void A_valid_spec_has_no_problems() =>
        Assert.Empty(new RolloutSpec(Canary: "2", CanaryPercent: 20, Shadow: "3", ShadowPercent: 100).Problems("1"));

    [Theory]
    [InlineData(-1, "canaryPercent")]
    [InlineData(100.5, "canaryPercent")]
    [InlineData(double.NaN, "canaryPercent")]
    public void A_percent_outside_0_to_100_is_named(double percent, string field) =>
        Assert.Contains(new RolloutSpec(Canary: "2", CanaryPercent: percent).Problems("1"), p => p.StartsWith(field, StringComparison.Ordinal));

    [Fact]
    public void Every_problem_is_listed()
    {
        var problems = new RolloutSpec(Canary: "1", CanaryPercent: 20, Shadow: "1", ShadowPercent: 200, ComparePercent: -5).Problems("1");

        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.Contains("already stable", StringComparison.Ordinal) && p.StartsWith("canary", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("already stable", StringComparison.Ordinal) && p.StartsWith("shadow:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_share_without_a_version_to_send_it_to_is_refused()
    {
        Assert.Contains(new RolloutSpec(CanaryPercent: 10).Problems("1"), p => p.StartsWith("canaryPercent", StringComparison.Ordinal));
        Assert.Contains(new RolloutSpec(ShadowPercent: 10).Problems("1"), p => p.StartsWith("shadowPercent", StringComparison.Ordinal));
    }

    [Fact]
    public void The_stable_it_sets_is_the_one_a_canary_is_compared_with() =>
        Assert.NotEmpty(new RolloutSpec(Stable: "2", Canary: "2", CanaryPercent: 5).Problems("1"));
}
