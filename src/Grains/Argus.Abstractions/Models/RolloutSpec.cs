namespace Argus.Models;

/// <summary>A rollout as a caller sets it (<c>PUT /v1/models/{m}/rollout</c>, <c>argus model rollout</c>).</summary>
/// <param name="Stable">The stable version; null keeps the current one.</param>
/// <param name="Canary">The canary version; null for none.</param>
/// <param name="CanaryPercent">The share of route keys on the canary, 0–100.</param>
/// <param name="Shadow">The shadow version; null for none.</param>
/// <param name="ShadowPercent">The share of calls copied to the shadow, 0–100.</param>
/// <param name="ComparePercent">The share of the canary's calls also run on stable to measure agreement, 0–100. Default 10.</param>
[GenerateSerializer, Immutable, Alias("Argus.Models.RolloutSpec")]
public sealed record RolloutSpec(
    [property: Id(0)] string? Stable = null,
    [property: Id(1)] string? Canary = null,
    [property: Id(2)] double CanaryPercent = 0,
    [property: Id(3)] string? Shadow = null,
    [property: Id(4)] double ShadowPercent = 0,
    [property: Id(5)] double ComparePercent = 10)
{
    /// <summary>Every problem of the spec taken alone (percents, a canary or shadow equal to stable), or none.</summary>
    public IReadOnlyList<string> Problems(string? currentStable)
    {
        List<string> problems = [];
        Percent(nameof(CanaryPercent), CanaryPercent);
        Percent(nameof(ShadowPercent), ShadowPercent);
        Percent(nameof(ComparePercent), ComparePercent);
        var stable = Stable ?? currentStable;
        if (Canary is not null && Canary == stable) problems.Add($"canary: version '{Canary}' is already stable.");
        if (Shadow is not null && Shadow == stable) problems.Add($"shadow: version '{Shadow}' is already stable.");
        if (Canary is null && CanaryPercent > 0) problems.Add("canaryPercent: there is no canary version to send it to.");
        if (Shadow is null && ShadowPercent > 0) problems.Add("shadowPercent: there is no shadow version to copy calls to.");
        return problems;

        void Percent(string name, double value)
        {
            if (!(value is >= 0 and <= 100))
            {
                problems.Add($"{char.ToLowerInvariant(name[0])}{name[1..]}: {value} is not a percent from 0 to 100.");
            }
        }
    }
}
