using System.Globalization;
using Argus.Cameras;
using Argus.Devices;

namespace Argus.Grains.Cameras;

/// <summary>A rule's state between frames, persisted with its camera.</summary>
/// <param name="Rule">The rule's definition; state is kept across a reconfiguration only while it is unchanged.</param>
/// <param name="Window">
/// Whether each of the last (at most N) analysed frames was a hit, oldest first. An array: JSON grain storage records
/// the runtime type of an interface-typed list, and the compiler's types for collection expressions do not load back.
/// </param>
/// <param name="Raised">True while the K-of-N condition holds and has been alerted on; it clears (re-arms) when the condition does.</param>
/// <param name="Baseline">The running scene baseline (scene-change rules), unit length; null until the first frame.</param>
[GenerateSerializer, Immutable, Alias("Argus.Grains.Cameras.RuleState")]
internal sealed record RuleState(
    [property: Id(0)] AlertRule Rule,
    [property: Id(1)] bool[] Window,
    [property: Id(2)] bool Raised,
    [property: Id(3)] float[]? Baseline)
{
    /// <summary>A rule's state before its first frame.</summary>
    public static RuleState Start(AlertRule rule) => new(rule, [], false, null);
}

/// <summary>What a frame showed a rule.</summary>
/// <param name="Hit">True when the frame counts towards the rule.</param>
/// <param name="Score">The best region's score, or the cosine distance from the baseline.</param>
/// <param name="Detections">The regions at or above the threshold (detection rules).</param>
internal sealed record RuleEvidence(bool Hit, double Score, IReadOnlyList<Detection> Detections);

/// <summary>A rule's next state, and the evidence of the alert to raise (null when none).</summary>
internal readonly record struct RuleStep(RuleState State, RuleEvidence? Raise);

/// <summary>
/// Alert rules as pure functions of a rule's state and one analysed frame's result: a frame is a hit or not, the last N
/// frames' hits are kept, and an alert is raised when K of them are hits — once, when the condition becomes true, and
/// again only after it has cleared.
/// </summary>
internal static class AlertRules
{
    /// <summary>Evaluates <paramref name="state"/>'s rule on the result of its model for one frame.</summary>
    public static RuleStep Evaluate(RuleState state, ItemResult result)
    {
        var rule = state.Rule;
        var (evidence, baseline) = rule.Kind switch
        {
            AlertRuleKind.Detection => (Detections(rule, result), state.Baseline),
            AlertRuleKind.SceneChange => SceneChange(rule, state.Baseline, result),
            _ => throw new ArgumentOutOfRangeException(nameof(state), rule.Kind, "Unknown rule kind."),
        };
        var window = Slide(state.Window, evidence.Hit, rule.N);
        var met = KOfN(window, rule.K);
        var next = state with { Window = window, Raised = met, Baseline = baseline };
        return new RuleStep(next, met && !state.Raised ? evidence : null);
    }

    /// <summary>The last <paramref name="n"/> hits after <paramref name="hit"/> joins them, oldest first.</summary>
    public static bool[] Slide(bool[] window, bool hit, int n) => [.. window.Skip(Math.Max(0, window.Length + 1 - n)), hit];

    /// <summary>True when at least <paramref name="k"/> of the window are hits.</summary>
    public static bool KOfN(bool[] window, int k) => window.Count(h => h) >= k;

    /// <summary>What people read of an alert.</summary>
    public static string Describe(AlertRule rule, RuleEvidence evidence, string camera) => rule.Kind switch
    {
        AlertRuleKind.SceneChange => string.Create(CultureInfo.InvariantCulture,
            $"Camera '{camera}': the scene changed, cosine distance {evidence.Score:F3} from its baseline (threshold {rule.Threshold:0.###}) in {rule.K} of the last {rule.N} frames."),
        _ => string.Create(CultureInfo.InvariantCulture,
            $"Camera '{camera}': {rule.Model} found {evidence.Detections.Count} region(s), best score {evidence.Score:F3} (threshold {rule.Threshold:0.###}), in {rule.K} of the last {rule.N} frames."),
    };

    private static RuleEvidence Detections(AlertRule rule, ItemResult result)
    {
        // Scores are floats: 0.7f is below the double 0.7, yet a region scored 0.7 meets a threshold of 0.7.
        var threshold = (float)rule.Threshold;
        var found = (result.Detections ?? []).Where(d => d.Score >= threshold).ToArray();
        return new RuleEvidence(found.Length > 0, found.Length > 0 ? found.Max(d => d.Score) : 0, found);
    }

    /// <summary>
    /// A frame is a hit when its embedding lies at least the threshold from the baseline. The first frame (or the first
    /// of another size) sets the baseline; only frames that are not hits move it, so a lasting change keeps counting.
    /// </summary>
    private static (RuleEvidence, float[]?) SceneChange(AlertRule rule, float[]? baseline, ItemResult result)
    {
        if (result.Embedding is not { } embedding)
        {
            return (new RuleEvidence(false, 0, []), baseline);
        }

        if (baseline is null || baseline.Length != embedding.Length)
        {
            return (new RuleEvidence(false, 0, []), SceneBaseline.Start(embedding));
        }

        var distance = SceneBaseline.CosineDistance(baseline, embedding);
        var hit = distance >= rule.Threshold;
        return (new RuleEvidence(hit, distance, []), hit ? baseline : SceneBaseline.Blend(baseline, embedding));
    }
}
