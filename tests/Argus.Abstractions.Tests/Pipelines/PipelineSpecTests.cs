using Argus.Models;
using Argus.Pipelines;

namespace Argus.Abstractions.Tests.Pipelines;

public sealed class PipelineSpecTests
{
    private static readonly string[] Labels = ["Drawing", "Hentai", "Neutral", "Porn", "Sexy"];

    private static ModelInfo? Find(string name, string? version) => (name, version) switch
    {
        ("moderation-fast" or "moderation-heavy", null or "4.3.0") => Model(name, "classification", Labels),
        ("resnet18", null) => Model(name, "embedding", []),
        _ => null,
    };

    private static ModelInfo Model(string name, string task, string[] labels) =>
        new(name, "4.3.0", task, new TensorInfo("input", [-1, 3, 224, 224]), new TensorInfo("output", [-1, labels.Length]), labels, 8);

    private static readonly PipelineSpec Valid = new()
    {
        FastModel = "moderation-fast",
        FastRule = new DecisionRule { Block = new Dictionary<string, double> { ["Porn"] = 0.9 }, Review = new Dictionary<string, double> { ["Porn"] = 0.4 } },
        HeavyModel = "moderation-heavy",
        HeavyVersion = "4.3.0",
        HeavyRule = new DecisionRule { Block = new Dictionary<string, double> { ["Porn"] = 0.7 } },
        HeavyItems = HeavyItems.Review,
        HeavySample = 0.1,
        Webhook = "https://hooks.example/argus",
    };

    [Fact]
    public void A_valid_spec_has_no_problem()
    {
        Assert.Empty(Valid.Validate(Find));
    }

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        var spec = Valid with
        {
            FastModel = "no-such-model",
            HeavyVersion = "9",
            HeavySample = 1.5,
            DeadlineS = 0,
            FastP95Ms = -1,
            Webhook = "ftp://hooks.example/x",
            Tenant = "not a tenant",
        };

        var problems = spec.Validate(Find).ToArray();

        Assert.Equal(
        [
            "fast_model: unknown model 'no-such-model'.",
            "heavy_version: model 'moderation-heavy' has no version '9'.",
            "heavy_sample must be 0 to 1 (is 1.5).",
            "deadline_s must be above 0 and at most 604800 (is 0).",
            "fast_p95_ms must be above 0 and at most 60000 (is -1).",
            "webhook 'ftp://hooks.example/x' must be an absolute http:// or https:// URL.",
            "tenant 'not a tenant' must be 1 to 64 letters, digits, '-', '_' or '.'.",
        ], problems);
    }

    [Theory]
    [InlineData(30, null)]
    [InlineData(0.5, null)]
    [InlineData(0, "retention_days must be above 0 and at most 3650 (is 0).")]
    [InlineData(-1, "retention_days must be above 0 and at most 3650 (is -1).")]
    [InlineData(3651, "retention_days must be above 0 and at most 3650 (is 3651).")]
    [InlineData(double.NaN, "retention_days must be above 0 and at most 3650 (is NaN).")]
    [InlineData(0.005, "retention_days must be longer than deadline_s (600 s): an item is kept at least until its final is due.")]
    public void A_retention_is_above_0_at_most_ten_years_and_longer_than_the_deadline(double days, string? problem)
    {
        var problems = (Valid with { RetentionDays = days }).Validate(Find).ToArray();

        Assert.Equal(problem is null ? [] : [problem], problems);
    }

    [Fact]
    public void A_rule_is_checked_against_its_own_model_and_a_tier_needs_a_classifier()
    {
        var spec = Valid with
        {
            FastRule = new DecisionRule { Block = new Dictionary<string, double> { ["Gore"] = 0.5 } },
            HeavyModel = "resnet18",
            HeavyVersion = null,
        };

        Assert.Equal(
        [
            "fast_rule.block: 'Gore' is not a label of model 'moderation-fast' (its labels: Drawing, Hentai, Neutral, Porn, Sexy).",
            "heavy_model: 'resnet18' is not a classifier (its task is embedding); a tier's rule needs class scores.",
        ], spec.Validate(Find));
        Assert.Equal(["fast_model is required.", "heavy_model is required."], new PipelineSpec().Validate(Find));
        Assert.Contains("heavy_sample applies to heavy_items 'review' only (every item goes to the heavy tier with 'all').",
            (Valid with { HeavyItems = HeavyItems.All }).Validate(Find));
    }

    [Fact]
    public void All_sends_every_item_to_the_heavy_tier_review_sends_review_and_a_stable_sample_of_the_rest()
    {
        var all = Valid with { HeavyItems = HeavyItems.All, HeavySample = 0 };
        Assert.True(all.SendsToHeavy("x", Decision.Allow));
        Assert.True(all.SendsToHeavy("x", Decision.Block));

        var none = Valid with { HeavySample = 0 };
        Assert.True(none.SendsToHeavy("x", Decision.Review));
        Assert.False(none.SendsToHeavy("x", Decision.Allow));
        Assert.False(none.SendsToHeavy("x", Decision.Block));
        Assert.True((Valid with { HeavySample = 1 }).SendsToHeavy("x", Decision.Allow));

        var items = Enumerable.Range(0, 10_000).Select(i => $"item-{i}").ToArray();
        var sampled = items.Count(i => Valid.SendsToHeavy(i, Decision.Allow));
        Assert.InRange(sampled, 900, 1100); // 10 % of 10,000, within 3.3 standard deviations
        Assert.All(items.Take(100), i => Assert.Equal(Valid.SendsToHeavy(i, Decision.Allow), Valid.SendsToHeavy(i, Decision.Allow)));
    }

    [Theory]
    [InlineData("moderation", true)]
    [InlineData("a.b_c-9", true)]
    [InlineData(".hidden", false)]
    [InlineData("a/b", false)]
    [InlineData("", false)]
    public void Ids_are_safe_names(string id, bool valid) => Assert.Equal(valid, PipelineSpec.IsValidId(id));
}
