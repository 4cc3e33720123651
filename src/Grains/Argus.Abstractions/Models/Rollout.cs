namespace Argus.Models;

/// <summary>A change of a rollout, kept in its history.</summary>
/// <param name="At">When it happened (UTC).</param>
/// <param name="Kind"><c>set</c>, <c>promote</c>, <c>rollback</c> or <c>auto_rollback</c>.</param>
/// <param name="Message">What changed, and for an automatic rollback the figures that triggered it.</param>
[GenerateSerializer, Immutable, Alias("Argus.Models.RolloutEvent")]
public sealed record RolloutEvent([property: Id(0)] DateTime At, [property: Id(1)] string Kind, [property: Id(2)] string Message);

/// <summary>
/// Which versions of a model serve its calls that name no version: the stable one, optionally a canary taking a share
/// of route keys (sticky: a key stays on its version while the share holds), and optionally a shadow version that
/// receives copies of a share of calls in the batch lane, whose answers are compared and never returned.
/// </summary>
/// <param name="Model">The model.</param>
/// <param name="Stable">The stable version; null until set, when the devices' default version serves.</param>
/// <param name="Canary">The canary version, or null.</param>
/// <param name="CanaryPercent">The share of route keys on the canary, 0–100.</param>
/// <param name="Shadow">The shadow version, or null.</param>
/// <param name="ShadowPercent">The share of calls copied to the shadow, 0–100.</param>
/// <param name="ComparePercent">The share of the canary's calls also run on stable in the batch lane, to measure agreement, 0–100.</param>
/// <param name="Revision">Grows with every change.</param>
/// <param name="History">The latest changes, oldest first.</param>
[GenerateSerializer, Immutable, Alias("Argus.Models.Rollout")]
public sealed record Rollout(
    [property: Id(0)] string Model,
    [property: Id(1)] string? Stable,
    [property: Id(2)] string? Canary,
    [property: Id(3)] double CanaryPercent,
    [property: Id(4)] string? Shadow,
    [property: Id(5)] double ShadowPercent,
    [property: Id(6)] double ComparePercent,
    [property: Id(7)] long Revision,
    [property: Id(8)] IReadOnlyList<RolloutEvent> History)
{
    /// <summary>A model's rollout before anything is set: every call goes to the default version.</summary>
    public static Rollout None(string model) => new(model, null, null, 0, null, 0, 0, 0, []);

    /// <summary>The role <paramref name="version"/> plays: <c>stable</c>, <c>canary</c>, <c>shadow</c> or <c>other</c>.</summary>
    public string RoleOf(string version) =>
        version == Stable ? "stable" : version == Canary ? "canary" : version == Shadow ? "shadow" : "other";
}
