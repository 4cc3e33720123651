namespace Argus.Pipelines;

/// <summary>
/// A backfill of a pipeline: every item submitted in [<see cref="From"/>, <see cref="To"/>) re-scored with
/// <see cref="Model"/> at <see cref="Version"/> through <see cref="Rule"/> (the pipeline's heavy rule when it started),
/// each new result kept beside the old ones. Fixed when the backfill starts, so a resumed backfill walks the same window.
/// </summary>
/// <param name="Pipeline">The pipeline's id.</param>
/// <param name="Id">The backfill's id, unique within its pipeline; the mark each new result carries.</param>
/// <param name="Model">The model that re-scores (a classifier with the rule's labels).</param>
/// <param name="Version">Its version.</param>
/// <param name="From">The window's start on submit time (UTC), inclusive.</param>
/// <param name="To">The window's end on submit time (UTC), exclusive.</param>
/// <param name="Rule">The rule that decides each item from the new scores.</param>
/// <param name="Tenant">The pipeline's tenant: the items are inferred for it.</param>
[GenerateSerializer, Immutable, Alias("Argus.Pipelines.BackfillSpec")]
public sealed record BackfillSpec(
    [property: Id(0)] string Pipeline,
    [property: Id(1)] string Id,
    [property: Id(2)] string Model,
    [property: Id(3)] string Version,
    [property: Id(4)] DateTime From,
    [property: Id(5)] DateTime To,
    [property: Id(6)] DecisionRule Rule,
    [property: Id(7)] string? Tenant)
{
    /// <summary>The grain key of backfill <paramref name="backfill"/> of pipeline <paramref name="pipeline"/>.</summary>
    public static string KeyOf(string pipeline, string backfill) => $"{pipeline}/{backfill}";

    /// <summary>
    /// Every problem of a backfill request for the pipeline <paramref name="spec"/>, one line each, named after the
    /// request's fields: the model and version exist and the pipeline's heavy rule fits the model's labels (in the serving
    /// catalog <paramref name="findModel"/>), and the window runs forward.
    /// </summary>
    public static IEnumerable<string> Problems(
        PipelineSpec spec, string? id, string model, string? version, DateTime? from, DateTime to, Func<string, string?, Models.ModelInfo?> findModel)
    {
        if (id is not null && !PipelineSpec.IsValidId(id))
        {
            yield return $"id '{id}' must be 1 to 100 letters, digits, '.', '_' or '-', not starting with '.'.";
        }

        if (string.IsNullOrWhiteSpace(version))
        {
            yield return "version is required: the model version the history is re-scored with.";
        }

        foreach (var problem in PipelineSpec.RuleModelProblems(
            "model", model, "version", string.IsNullOrWhiteSpace(version) ? null : version, "heavy_rule (the pipeline's)", spec.HeavyRule, findModel))
        {
            yield return problem;
        }

        if (from is null)
        {
            yield return "from is required: the pipeline does not know when it was created.";
        }
        else if (from >= to)
        {
            yield return $"to ({to:O}) must be after from ({from:O}).";
        }
    }
}
