using Argus.Grains.Models;
using Argus.Models;

namespace Argus.Grains.Tests.Models;

public sealed class RollbackRuleTests
{
    /// <summary>The defaults: 20 items each, 5 points of error rate, 1.5× or 20 ms of p95.</summary>
    private static readonly RolloutOptions Options = new();

    /// <summary>A version's window: <paramref name="items"/> items, <paramref name="errors"/> failed, all at <paramref name="latencyMs"/>.</summary>
    private static VersionFigures Window(long items, long errors, double latencyMs)
    {
        var recorder = new LatencyRecorder();
        for (var i = 0; i < items; i++)
        {
            recorder.Record(latencyMs);
        }

        return new(items, errors, recorder.Take());
    }

    [Fact]
    public void A_canary_that_fails_beyond_the_margin_is_rolled_back_with_the_figures()
    {
        var decision = RollbackRule.Decide(Options, stable: Window(160, 0, 20), canary: Window(40, 40, 20));

        Assert.Equal(RollbackVerdict.RollBack, decision.Verdict);
        Assert.Equal((0.0, 1.0, 0.05), (decision.StableErrorRate, decision.CanaryErrorRate, decision.ErrorRateMargin));
        Assert.Equal((160, 40), (decision.StableItems, decision.CanaryItems));
        Assert.Equal("Rolling back: canary error rate 100.0% exceeds stable's 0.0% by more than 5.0 points over 40 canary and 160 stable items.",
            decision.Reason);
    }

    [Fact]
    public void An_error_rate_within_the_margin_is_kept()
    {
        // 6 % against 2 %: 4 points.
        Assert.Equal(RollbackVerdict.Keep, RollbackRule.Decide(Options, Window(100, 2, 20), Window(100, 6, 20)).Verdict);
    }

    [Fact]
    public void A_canary_slower_than_the_ratio_and_the_floor_is_rolled_back()
    {
        var decision = RollbackRule.Decide(Options, stable: Window(100, 0, 100), canary: Window(100, 0, 200));

        Assert.Equal(RollbackVerdict.RollBack, decision.Verdict);
        Assert.Equal(150, decision.LatencyLimitMs, 150 * 2 * LatencyHistogram.RelativeError);
        Assert.InRange(decision.CanaryP95Ms, 200 * (1 - LatencyHistogram.RelativeError), 200 * (1 + LatencyHistogram.RelativeError));
        Assert.StartsWith("Rolling back: canary p95 ", decision.Reason);
        Assert.Contains("the larger of 1.5× stable's", decision.Reason);
    }

    [Theory]
    [InlineData(1, 2)]    // twice as slow, but 1 ms more: under the floor
    [InlineData(10, 28)]  // 2.8×, but 18 ms more
    [InlineData(100, 140)] // 40 ms more, but 1.4×
    public void A_slower_canary_within_the_ratio_or_the_floor_is_kept(double stableMs, double canaryMs) =>
        Assert.Equal(RollbackVerdict.Keep, RollbackRule.Decide(Options, Window(100, 0, stableMs), Window(100, 0, canaryMs)).Verdict);

    [Fact]
    public void Too_few_items_on_either_side_keep_the_canary_however_bad_it_looks()
    {
        var fewCanary = RollbackRule.Decide(Options, Window(160, 0, 20), Window(19, 19, 500));
        var fewStable = RollbackRule.Decide(Options, Window(19, 0, 20), Window(160, 160, 500));

        Assert.Equal(RollbackVerdict.Keep, fewCanary.Verdict);
        Assert.Equal(RollbackVerdict.Keep, fewStable.Verdict);
        Assert.Equal("Too few items to compare over 19 canary and 160 stable items: 20 each are needed.", fewCanary.Reason);
    }

    [Fact]
    public void Two_healthy_versions_are_kept_with_the_figures_in_the_reason()
    {
        var decision = RollbackRule.Decide(Options, Window(160, 1, 20), Window(40, 1, 21));

        Assert.Equal(RollbackVerdict.Keep, decision.Verdict);
        Assert.StartsWith("Keeping: canary error rate 2.5% against stable's 0.6% (margin 5.0 points), p95 ", decision.Reason);
    }

    [Fact]
    public void Both_breaches_are_named_in_one_reason()
    {
        var decision = RollbackRule.Decide(Options, Window(100, 0, 10), Window(100, 50, 100));

        Assert.Equal(RollbackVerdict.RollBack, decision.Verdict);
        Assert.Contains("error rate 50.0%", decision.Reason);
        Assert.Contains("; canary p95 ", decision.Reason);
    }

    [Fact]
    public void A_canary_with_no_latencies_is_judged_on_errors_alone()
    {
        var decision = RollbackRule.Decide(Options, Window(100, 0, 10), new VersionFigures(100, 100, LatencyHistogram.Empty));

        Assert.Equal(RollbackVerdict.RollBack, decision.Verdict);
        Assert.True(double.IsNaN(decision.CanaryP95Ms));
        Assert.DoesNotContain("p95", decision.Reason);
    }
}
