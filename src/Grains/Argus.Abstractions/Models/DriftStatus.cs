namespace Argus.Models;

/// <summary>The statistic a model version's drift checks compute, chosen by the kind of its outputs.</summary>
public enum DriftStatistic
{
    /// <summary>No output seen yet.</summary>
    None = 0,

    /// <summary>Vectors: the unbiased MMD² with an RBF kernel, p-value by permutation.</summary>
    Mmd = 1,

    /// <summary>Class indices and region counts: the Jensen–Shannon divergence of the histograms, p-value by permutation.</summary>
    JensenShannon = 2,
}

/// <summary>Where a model version's drift reference comes from.</summary>
public enum DriftReferenceSource
{
    /// <summary>The first outputs sampled after the monitor started.</summary>
    FirstSamples = 0,

    /// <summary>The outputs of a configured folder of images, inferred on the version itself.</summary>
    Folder = 1,
}

/// <summary>A model version's drift checks: the last window's test and the alarm.</summary>
/// <param name="Model">The model, in lower case.</param>
/// <param name="Version">The version.</param>
/// <param name="Statistic">What <paramref name="Score"/> is.</param>
/// <param name="Score">The last window's MMD² or Jensen–Shannon divergence (bits); null before the first check.</param>
/// <param name="PValue">The last window's permutation p-value; null before the first check.</param>
/// <param name="Psi">The last window's population stability index, for histograms; null for vectors.</param>
/// <param name="ReferenceSource">Where the reference comes from.</param>
/// <param name="ReferenceFolder">The folder, for a folder reference.</param>
/// <param name="ReferenceSize">Reference outputs held (fewer than configured while it fills or loads).</param>
/// <param name="WindowSize">Outputs per tested window.</param>
/// <param name="Alpha">The significance level a window drifts at.</param>
/// <param name="DriftingWindows">Tested windows in a row that drifted, up to the last one.</param>
/// <param name="AlarmRaised">Whether enough windows in a row drifted to raise the alarm.</param>
/// <param name="ChecksRun">Windows tested.</param>
/// <param name="LastCheckedAt">When the last window was tested (UTC); null before the first.</param>
/// <param name="Samples">Outputs taken in (reference and windows).</param>
/// <param name="Ignored">Outputs left out because their kind or length differs from the reference's (a v2 raw call to an embedding model).</param>
[GenerateSerializer, Immutable, Alias("Argus.Models.DriftStatus")]
public sealed record DriftStatus(
    [property: Id(0)] string Model,
    [property: Id(1)] string Version,
    [property: Id(2)] DriftStatistic Statistic,
    [property: Id(3)] double? Score,
    [property: Id(4)] double? PValue,
    [property: Id(5)] double? Psi,
    [property: Id(6)] DriftReferenceSource ReferenceSource,
    [property: Id(7)] string? ReferenceFolder,
    [property: Id(8)] int ReferenceSize,
    [property: Id(9)] int WindowSize,
    [property: Id(10)] double Alpha,
    [property: Id(11)] int DriftingWindows,
    [property: Id(12)] bool AlarmRaised,
    [property: Id(13)] long ChecksRun,
    [property: Id(14)] DateTime? LastCheckedAt,
    [property: Id(15)] long Samples,
    [property: Id(16)] long Ignored);
