using Argus.Devices;

namespace Argus.Pipelines;

/// <summary>
/// A tier's rule: label → threshold maps for <see cref="Decision.Block"/> and <see cref="Decision.Review"/>. An item is
/// blocked when any block label scores at or above its threshold, else sent to review when any review label does, else
/// allowed. Labels are the model's own, matched exactly.
/// </summary>
[GenerateSerializer, Immutable, Alias("Argus.Pipelines.DecisionRule")]
public sealed record DecisionRule
{
    /// <summary>Label → the score at or above which the item is blocked.</summary>
    [Id(0)] public IReadOnlyDictionary<string, double> Block { get; init; } = new Dictionary<string, double>();

    /// <summary>Label → the score at or above which the item goes to review (when no block label matched).</summary>
    [Id(1)] public IReadOnlyDictionary<string, double> Review { get; init; } = new Dictionary<string, double>();

    /// <summary>
    /// The decision for one item's class scores. A label the scores do not carry (cut by the model's top-k) scores 0.
    /// </summary>
    public Decision Decide(IReadOnlyList<ClassScore> scores) =>
        Matches(Block, scores) ? Decision.Block : Matches(Review, scores) ? Decision.Review : Decision.Allow;

    /// <summary>Every problem of this rule for a model with <paramref name="labels"/>, named after <paramref name="field"/>.</summary>
    public IEnumerable<string> Problems(string field, string model, IReadOnlyList<string> labels)
    {
        foreach (var (name, thresholds) in new[] { ("block", Block), ("review", Review) })
        {
            if (thresholds is null)
            {
                yield return $"{field}.{name} must be an object of label → threshold, not null.";
                continue;
            }

            foreach (var (label, threshold) in thresholds)
            {
                if (!labels.Contains(label, StringComparer.Ordinal))
                {
                    yield return $"{field}.{name}: '{label}' is not a label of model '{model}' (its labels: {string.Join(", ", labels)}).";
                }

                if (!(threshold is >= 0 and <= 1))
                {
                    yield return $"{field}.{name}.{label}: the threshold must be 0 to 1 (is {threshold}).";
                }
            }
        }
    }

    private static bool Matches(IReadOnlyDictionary<string, double> thresholds, IReadOnlyList<ClassScore> scores)
    {
        foreach (var (label, threshold) in thresholds)
        {
            var score = 0.0;
            foreach (var s in scores)
            {
                if (string.Equals(s.Label, label, StringComparison.Ordinal))
                {
                    score = s.Score;
                    break;
                }
            }

            if (score >= threshold)
            {
                return true;
            }
        }

        return false;
    }
}
