namespace Argus.Models;

/// <summary>One version's figures over the comparison window, every caller together.</summary>
/// <param name="Version">The version.</param>
/// <param name="Role"><c>stable</c>, <c>canary</c>, <c>shadow</c> or <c>other</c> (called by version).</param>
/// <param name="Items">Items answered to callers.</param>
/// <param name="ErrorRate">The share of those that failed for the version's own reasons.</param>
/// <param name="P50Ms">Median latency of the answered items, from the caller's side; null without items.</param>
/// <param name="P95Ms">95th percentile.</param>
/// <param name="P99Ms">99th percentile.</param>
/// <param name="ShadowItems">Copies run in the batch lane (shadow traffic, or stable's side of a canary comparison).</param>
/// <param name="ShadowErrorRate">The share of those that failed.</param>
/// <param name="Dropped">Copies dropped because the devices were busy.</param>
/// <param name="Agreement">
/// Mean agreement with stable on the same inputs: top-1 agreement for classifiers, cosine similarity for embeddings,
/// box F1 at IoU 0.5 for detectors; null when nothing was compared.
/// </param>
/// <param name="AgreementItems">Inputs compared.</param>
[GenerateSerializer, Immutable, Alias("Argus.Models.VersionComparison")]
public sealed record VersionComparison(
    [property: Id(0)] string Version,
    [property: Id(1)] string Role,
    [property: Id(2)] long Items,
    [property: Id(3)] double ErrorRate,
    [property: Id(4)] double? P50Ms,
    [property: Id(5)] double? P95Ms,
    [property: Id(6)] double? P99Ms,
    [property: Id(7)] long ShadowItems,
    [property: Id(8)] double ShadowErrorRate,
    [property: Id(9)] long Dropped,
    [property: Id(10)] double? Agreement,
    [property: Id(11)] long AgreementItems);

/// <summary>A model's rollout with its versions compared over the last window (<c>GET /v1/models/{m}/rollout</c>).</summary>
/// <param name="Rollout">The rollout.</param>
/// <param name="WindowSeconds">The window the figures cover.</param>
/// <param name="Versions">One entry per version seen in the window, stable first.</param>
/// <param name="Drift">The drift checks of those versions that have one (empty where the silos check no drift).</param>
[GenerateSerializer, Immutable, Alias("Argus.Models.RolloutComparison")]
public sealed record RolloutComparison(
    [property: Id(0)] Rollout Rollout,
    [property: Id(1)] double WindowSeconds,
    [property: Id(2)] IReadOnlyList<VersionComparison> Versions,
    [property: Id(3)] IReadOnlyList<DriftStatus> Drift);
