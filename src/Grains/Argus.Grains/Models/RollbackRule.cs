using System.Globalization;
using Argus.Models;

namespace Argus.Grains.Models;

/// <summary>One version's figures over the rollout window.</summary>
/// <param name="Items">Items it answered, failed ones included.</param>
/// <param name="Errors">Items it failed.</param>
/// <param name="Latency">The latencies of its items.</param>
internal sealed record VersionFigures(long Items, long Errors, LatencyHistogram Latency)
{
    /// <summary>The share of items failed; 0 when there were none.</summary>
    public double ErrorRate => Items == 0 ? 0 : (double)Errors / Items;
}

/// <summary>What <see cref="RollbackRule"/> decided about a canary.</summary>
internal enum RollbackVerdict
{
    /// <summary>The canary keeps its share of traffic.</summary>
    Keep,

    /// <summary>The canary's traffic goes back to stable.</summary>
    RollBack,
}

/// <summary>A decision with the figures it was taken on, for the log and the alert.</summary>
/// <param name="Verdict">Keep or roll back.</param>
/// <param name="Reason">The decision in words, with its figures.</param>
/// <param name="StableItems">Items stable answered in the window.</param>
/// <param name="CanaryItems">Items the canary answered in the window.</param>
/// <param name="StableErrorRate">Stable's share of failed items.</param>
/// <param name="CanaryErrorRate">The canary's share of failed items.</param>
/// <param name="ErrorRateMargin">How far the canary's error rate may exceed stable's.</param>
/// <param name="StableP95Ms">Stable's p95 latency; NaN when it has none.</param>
/// <param name="CanaryP95Ms">The canary's p95 latency; NaN when it has none.</param>
/// <param name="LatencyLimitMs">The canary's largest allowed p95: the larger of stable's times the ratio and stable's plus the floor.</param>
internal sealed record RollbackDecision(
    RollbackVerdict Verdict,
    string Reason,
    long StableItems,
    long CanaryItems,
    double StableErrorRate,
    double CanaryErrorRate,
    double ErrorRateMargin,
    double StableP95Ms,
    double CanaryP95Ms,
    double LatencyLimitMs);

/// <summary>
/// Whether a canary is rolled back, from the window's figures of stable and canary: once each has answered
/// <see cref="RolloutOptions.MinItems"/>, when its error rate exceeds stable's by more than
/// <see cref="RolloutOptions.ErrorRateMargin"/>, or its p95 latency exceeds both stable's times
/// <see cref="RolloutOptions.LatencyRatio"/> and stable's plus <see cref="RolloutOptions.LatencyFloorMs"/>. A canary that
/// takes all the traffic leaves stable nothing to compare with and is kept. Pure.
/// </summary>
internal static class RollbackRule
{
    /// <summary>The decision for one window.</summary>
    public static RollbackDecision Decide(RolloutOptions options, VersionFigures stable, VersionFigures canary)
    {
        var stableP95 = stable.Latency.Quantile(0.95);
        var canaryP95 = canary.Latency.Quantile(0.95);
        var limit = Math.Max(stableP95 * options.LatencyRatio, stableP95 + options.LatencyFloorMs);
        var over = string.Create(CultureInfo.InvariantCulture, $"over {canary.Items} canary and {stable.Items} stable items");
        RollbackDecision Decision(RollbackVerdict verdict, string reason) => new(
            verdict, reason, stable.Items, canary.Items, stable.ErrorRate, canary.ErrorRate, options.ErrorRateMargin, stableP95, canaryP95, limit);

        if (stable.Items < options.MinItems || canary.Items < options.MinItems)
        {
            return Decision(RollbackVerdict.Keep, string.Create(CultureInfo.InvariantCulture,
                $"Too few items to compare {over}: {options.MinItems} each are needed."));
        }

        List<string> breaches = [];
        if (canary.ErrorRate - stable.ErrorRate > options.ErrorRateMargin)
        {
            breaches.Add(string.Create(CultureInfo.InvariantCulture,
                $"canary error rate {canary.ErrorRate * 100:F1}% exceeds stable's {stable.ErrorRate * 100:F1}% by more than {options.ErrorRateMargin * 100:F1} points"));
        }

        if (canaryP95 > limit)
        {
            breaches.Add(string.Create(CultureInfo.InvariantCulture,
                $"canary p95 {canaryP95:F1} ms exceeds {limit:F1} ms, the larger of {options.LatencyRatio:G}× stable's {stableP95:F1} ms and {options.LatencyFloorMs:G} ms more"));
        }

        return breaches.Count > 0
            ? Decision(RollbackVerdict.RollBack, $"Rolling back: {string.Join("; ", breaches)} {over}.")
            : Decision(RollbackVerdict.Keep, string.Create(CultureInfo.InvariantCulture,
                $"Keeping: canary error rate {canary.ErrorRate * 100:F1}% against stable's {stable.ErrorRate * 100:F1}% (margin {options.ErrorRateMargin * 100:F1} points), p95 {canaryP95:F1} ms against {stableP95:F1} ms (limit {limit:F1} ms) {over}."));
    }
}
