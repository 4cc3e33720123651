namespace Argus.Models;

/// <summary>What one caller saw of one model version during one report period.</summary>
/// <param name="Version">The version.</param>
/// <param name="Shadow">True for copies run in the shadow's or a comparison's batch lane, false for answers returned to callers.</param>
/// <param name="Items">Items answered.</param>
/// <param name="Errors">Items that failed for a reason of the version's own (not bad input, not a caller's cancellation).</param>
/// <param name="Latency">The calls' latency, from the caller's side.</param>
/// <param name="AgreementSum">The sum of the items' agreement with stable on the same input (see <see cref="Agreement"/>).</param>
/// <param name="AgreementItems">Items compared with stable.</param>
/// <param name="Dropped">Copies dropped because the devices were busy (shadow and comparison copies only).</param>
[GenerateSerializer, Immutable, Alias("Argus.Models.VersionWindow")]
public sealed record VersionWindow(
    [property: Id(0)] string Version,
    [property: Id(1)] bool Shadow,
    [property: Id(2)] long Items,
    [property: Id(3)] long Errors,
    [property: Id(4)] LatencyHistogram Latency,
    [property: Id(5)] double AgreementSum,
    [property: Id(6)] long AgreementItems,
    [property: Id(7)] long Dropped);

/// <summary>One caller's (a silo's door or an SDK client's) figures for one model's versions over one period.</summary>
/// <param name="Source">Who reports: a silo's name or a client's id.</param>
/// <param name="Model">The model.</param>
/// <param name="Versions">The figures per version and kind of traffic.</param>
[GenerateSerializer, Immutable, Alias("Argus.Models.RolloutReport")]
public sealed record RolloutReport(
    [property: Id(0)] string Source,
    [property: Id(1)] string Model,
    [property: Id(2)] IReadOnlyList<VersionWindow> Versions);
