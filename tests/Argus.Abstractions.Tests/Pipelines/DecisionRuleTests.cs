using Argus.Devices;
using Argus.Pipelines;

namespace Argus.Abstractions.Tests.Pipelines;

public sealed class DecisionRuleTests
{
    private static readonly DecisionRule Rule = new()
    {
        Block = new Dictionary<string, double> { ["Porn"] = 0.8, ["Hentai"] = 0.9 },
        Review = new Dictionary<string, double> { ["Sexy"] = 0.5, ["Porn"] = 0.3 },
    };

    private static ClassScore[] Scores(params (string Label, float Score)[] scores) =>
        [.. scores.Select((s, i) => new ClassScore(i, s.Label, s.Score))];

    [Fact]
    public void Block_wins_over_review_when_a_block_label_reaches_its_threshold()
    {
        Assert.Equal(Decision.Block, Rule.Decide(Scores(("Porn", 0.8f), ("Sexy", 0.15f))));
        Assert.Equal(Decision.Block, Rule.Decide(Scores(("Neutral", 0.05f), ("Hentai", 0.95f), ("Sexy", 0.9f))));
    }

    [Fact]
    public void Review_when_only_a_review_label_reaches_its_threshold()
    {
        Assert.Equal(Decision.Review, Rule.Decide(Scores(("Porn", 0.6f), ("Neutral", 0.4f))));
        Assert.Equal(Decision.Review, Rule.Decide(Scores(("Sexy", 0.5f), ("Neutral", 0.5f))));
    }

    [Fact]
    public void Allow_when_no_label_reaches_its_threshold_and_a_label_missing_from_the_scores_counts_as_zero()
    {
        Assert.Equal(Decision.Allow, Rule.Decide(Scores(("Neutral", 0.9f), ("Porn", 0.05f), ("Sexy", 0.05f))));
        Assert.Equal(Decision.Allow, Rule.Decide(Scores(("Neutral", 1f))));
        Assert.Equal(Decision.Allow, new DecisionRule().Decide(Scores(("Porn", 1f))));
        Assert.Equal(Decision.Review, new DecisionRule { Review = new Dictionary<string, double> { ["Porn"] = 0 } }.Decide(Scores(("Neutral", 1f))));
    }

    [Fact]
    public void Labels_are_matched_exactly()
    {
        Assert.Equal(Decision.Allow, Rule.Decide(Scores(("porn", 1f))));
    }

    [Fact]
    public void Every_problem_is_named_an_unknown_label_and_a_threshold_outside_0_to_1()
    {
        var rule = new DecisionRule
        {
            Block = new Dictionary<string, double> { ["Gore"] = 1.5 },
            Review = new Dictionary<string, double> { ["Sexy"] = -0.1, ["Porn"] = double.NaN },
        };

        var problems = rule.Problems("fast_rule", "moderation-fast", ["Drawing", "Hentai", "Neutral", "Porn", "Sexy"]).ToArray();

        Assert.Equal(4, problems.Length);
        Assert.Contains("fast_rule.block: 'Gore' is not a label of model 'moderation-fast' (its labels: Drawing, Hentai, Neutral, Porn, Sexy).", problems);
        Assert.Contains(problems, p => p.StartsWith("fast_rule.block.Gore: the threshold must be 0 to 1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("fast_rule.review.Sexy: the threshold must be 0 to 1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("fast_rule.review.Porn: the threshold must be 0 to 1", StringComparison.Ordinal));
        Assert.Empty(Rule.Problems("heavy_rule", "m", ["Hentai", "Porn", "Sexy"]));
    }
}
