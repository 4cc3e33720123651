using System.IO.Hashing;
using System.Text;
using System.Text.RegularExpressions;
using Argus.Models;
using Argus.Storage;

namespace Argus.Pipelines;

/// <summary>
/// A two-tier pipeline: the fast model decides each item at once (provisional), the heavy model decides the items
/// <see cref="HeavyItems"/> selects within <see cref="DeadlineS"/> (final), each through its own rule.
/// </summary>
[GenerateSerializer, Immutable, Alias("Argus.Pipelines.PipelineSpec")]
public sealed partial record PipelineSpec
{
    /// <summary>The fast tier's model (a classifier).</summary>
    [Id(0)] public string FastModel { get; init; } = "";

    /// <summary>The fast model's version; null: the model's rollout chooses.</summary>
    [Id(1)] public string? FastVersion { get; init; }

    /// <summary>The fast tier's rule: the provisional decision.</summary>
    [Id(2)] public DecisionRule FastRule { get; init; } = new();

    /// <summary>The heavy tier's model (a classifier).</summary>
    [Id(3)] public string HeavyModel { get; init; } = "";

    /// <summary>The heavy model's version; null: the rollout's stable version.</summary>
    [Id(4)] public string? HeavyVersion { get; init; }

    /// <summary>The heavy tier's rule: the final decision.</summary>
    [Id(5)] public DecisionRule HeavyRule { get; init; } = new();

    /// <summary>Which items go to the heavy tier. Default <see cref="HeavyItems.All"/>.</summary>
    [Id(6)] public HeavyItems HeavyItems { get; init; } = HeavyItems.All;

    /// <summary>With <see cref="HeavyItems.Review"/>: the share (0 to 1) of items not sent to review that go to the heavy tier too. Default 0.</summary>
    [Id(7)] public double HeavySample { get; init; }

    /// <summary>Seconds from submit by which an item should have its final decision. Default 600.</summary>
    [Id(8)] public double DeadlineS { get; init; } = 600;

    /// <summary>The fast tier's latency target, its p95 in milliseconds. Default 300.</summary>
    [Id(9)] public double FastP95Ms { get; init; } = 300;

    /// <summary>An http(s) URL to be told of final decisions; null: none.</summary>
    [Id(10)] public string? Webhook { get; init; }

    /// <summary>
    /// The tenant the pipeline belongs to: its items are inferred for it, and only its keys (and keys without a tenant)
    /// see the pipeline. Set from the creating key's tenant; a key without a tenant may name one.
    /// </summary>
    [Id(11)] public string? Tenant { get; init; }

    /// <summary>
    /// Where each submitted image is kept as <c>{archive}/{item}</c>, so the pipeline's history can be backfilled; null:
    /// images are dropped once final, and the history cannot be re-scored. A <see cref="Argus.Storage.StoreLocation"/>
    /// as a job's output is: an absolute path (confined to the output roots), or an object store's prefix.
    /// </summary>
    [Id(12)] public string? Archive { get; init; }

    /// <summary>
    /// Where new images are submitted as items from, each once (as a watching job reads its input): a folder under the
    /// storage input roots, or an object store's prefix (<c>s3://bucket/prefix</c>, <c>az://container/prefix</c>, a blob
    /// URL), listed page by page; null: items come by submit only.
    /// </summary>
    [Id(13)] public string? Watch { get; init; }

    /// <summary>
    /// Where the pipeline writes its finals as a table, as a job writes its results: <c>{output}/{pipeline}/finals-{yyyyMMddHHmm}.jsonl</c>
    /// (or <c>.parquet</c>, see <see cref="Format"/>), one part per minute's finals log once it closes, whole or absent; null:
    /// none. An absolute path (confined to the output roots) or an object store's prefix.
    /// </summary>
    [Id(14)] public string? Output { get; init; }

    /// <summary>How <see cref="Output"/>'s parts are written: JSON lines (the default) or Parquet, as a job's <see cref="Argus.Jobs.JobSpec.Format"/>.</summary>
    [Id(15)] public Argus.Jobs.JobOutputFormat Format { get; init; }

    /// <summary>
    /// How many days the pipeline keeps an item, from its submit: then the item, its index entry and the finals logs of its
    /// minute leave the store (an archived image stays where it was kept). Longer than <see cref="DeadlineS"/>, so an item is
    /// kept at least until its final is due. Null: items are kept until deleted from the store.
    /// </summary>
    [Id(16)] public double? RetentionDays { get; init; }

    /// <summary>The longest <see cref="DeadlineS"/>: a week.</summary>
    public const double MaxDeadlineS = 7 * 24 * 3600;

    /// <summary>The longest <see cref="RetentionDays"/>: ten years.</summary>
    public const double MaxRetentionDays = 3650;

    /// <summary>
    /// Every problem of the spec, one line each; empty when it is valid. <paramref name="findModel"/> is the serving
    /// catalog (name, version or null → the model, or null when not served): rules are checked against its labels.
    /// </summary>
    public IEnumerable<string> Validate(Func<string, string?, ModelInfo?> findModel)
    {
        foreach (var problem in RuleModelProblems("fast_model", FastModel, "fast_version", FastVersion, "fast_rule", FastRule, findModel))
        {
            yield return problem;
        }

        foreach (var problem in RuleModelProblems("heavy_model", HeavyModel, "heavy_version", HeavyVersion, "heavy_rule", HeavyRule, findModel))
        {
            yield return problem;
        }

        if (!(HeavySample is >= 0 and <= 1)) yield return $"heavy_sample must be 0 to 1 (is {HeavySample}).";
        if (HeavyItems == HeavyItems.All && HeavySample != 0) yield return "heavy_sample applies to heavy_items 'review' only (every item goes to the heavy tier with 'all').";
        if (!(DeadlineS is > 0 and <= MaxDeadlineS)) yield return $"deadline_s must be above 0 and at most {MaxDeadlineS} (is {DeadlineS}).";
        if (RetentionDays is { } days && !(days is > 0 and <= MaxRetentionDays)) yield return $"retention_days must be above 0 and at most {MaxRetentionDays} (is {days}).";
        else if (RetentionDays * 24 * 3600 <= DeadlineS) yield return $"retention_days must be longer than deadline_s ({DeadlineS} s): an item is kept at least until its final is due.";
        if (!(FastP95Ms is > 0 and <= 60_000)) yield return $"fast_p95_ms must be above 0 and at most 60000 (is {FastP95Ms}).";
        if (Webhook is not null && !(Uri.TryCreate(Webhook, UriKind.Absolute, out var hook) && (hook.Scheme == Uri.UriSchemeHttp || hook.Scheme == Uri.UriSchemeHttps)))
        {
            yield return $"webhook '{Webhook}' must be an absolute http:// or https:// URL.";
        }

        if (Watch is not null && StoreLocation.Parse(Watch, "watch", out var watch) is null) yield return watch!;
        if (Tenancy.Problem("tenant", Tenant) is { } tenant) yield return tenant;
        if (Archive is not null && StoreLocation.Parse(Archive, "archive", out var archive) is null) yield return archive!;
        if (Output is not null && StoreLocation.Parse(Output, "output", out var output) is null) yield return output!;
        if (!Enum.IsDefined(Format)) yield return $"format must be jsonl or parquet (is {(int)Format}).";
        else if (Format != Argus.Jobs.JobOutputFormat.Jsonl && Output is null) yield return "format applies to a pipeline with an output only.";
    }

    /// <summary>
    /// Whether the item <paramref name="item"/>, decided <paramref name="provisional"/> by the fast tier, goes to the heavy
    /// tier. The sample is drawn from the item's id, so the same item is selected the same way every time it is asked.
    /// </summary>
    public bool SendsToHeavy(string item, Decision provisional) =>
        HeavyItems == HeavyItems.All || provisional == Decision.Review || Draw(item) < HeavySample;

    /// <summary>Whether <paramref name="id"/> can name a pipeline or an item: 1 to 100 letters, digits, '.', '_' or '-', not starting with '.'.</summary>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>A uniform draw in [0, 1) from the item's id.</summary>
    private static double Draw(string item) => (XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(item)) >> 11) * (1.0 / (1UL << 53));

    /// <summary>
    /// Every problem of <paramref name="rule"/> applied to <paramref name="model"/> at <paramref name="version"/> (null: the
    /// rollout's choice) as the serving catalog <paramref name="findModel"/> has it: the model and version exist, it is a
    /// classifier, and the rule's labels are its own. Each problem names the field it is about.
    /// </summary>
    public static IEnumerable<string> RuleModelProblems(
        string modelField, string model, string versionField, string? version, string ruleField, DecisionRule? rule, Func<string, string?, ModelInfo?> findModel)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            yield return $"{modelField} is required.";
            yield break;
        }

        if (findModel(model, null) is null)
        {
            yield return $"{modelField}: unknown model '{model}'.";
            yield break;
        }

        if (findModel(model, version) is not { } info)
        {
            yield return $"{versionField}: model '{model}' has no version '{version}'.";
            yield break;
        }

        if (info.Task != "classification")
        {
            yield return $"{modelField}: '{model}' is not a classifier (its task is {info.Task}); a tier's rule needs class scores.";
            yield break;
        }

        if (rule is null)
        {
            yield return $"{ruleField} is required.";
            yield break;
        }

        foreach (var problem in rule.Problems(ruleField, model, info.Labels))
        {
            yield return problem;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex IdPattern();
}
