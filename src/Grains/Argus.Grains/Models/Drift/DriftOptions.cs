using Microsoft.Extensions.Options;

namespace Argus.Grains.Models.Drift;

/// <summary>
/// Drift checks per model version (<c>Argus:Drift</c>): which share of answered items is sampled, how large the
/// reference and each tested window are, how the test is run, and when an alarm is raised. See
/// <see cref="DriftWindow"/>.
/// </summary>
public sealed class DriftOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Argus:Drift";

    /// <summary>
    /// The most reference and window outputs tested together: the test holds a kernel matrix of their pairs
    /// (4,000 outputs: 8 million pairs, 64 MB).
    /// </summary>
    public const int MaxPooled = 4000;

    /// <summary>Whether this silo samples its devices' answers for drift checks. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>The share of successful items sampled, 0 to 1. Default 0.1.</summary>
    public double SampleShare { get; set; } = 0.1;

    /// <summary>
    /// Samples held per silo between flushes to the monitors (each second). A full buffer drops samples, never requests;
    /// the drops are counted (<c>argus.drift.samples.dropped</c>). Default 1024.
    /// </summary>
    public int BufferSize { get; set; } = 1024;

    /// <summary>Outputs in a reference: the first sampled, or a folder's first images by name. Default 200.</summary>
    public int ReferenceSize { get; set; } = 200;

    /// <summary>Outputs per tested window; a window is tested each time this many new outputs have come in. Default 200.</summary>
    public int WindowSize { get; set; } = 200;

    /// <summary>Relabellings per permutation test. Default 100, as Alibi Detect's <c>MMDDrift</c>.</summary>
    public int Permutations { get; set; } = 100;

    /// <summary>
    /// Vectors longer than this are tested after a fixed random projection to this many dimensions; 0 tests them as they
    /// are. Default 32.
    /// </summary>
    public int ProjectionDimensions { get; set; } = 32;

    /// <summary>The significance level a window drifts at (its p-value below it). Default 0.05.</summary>
    public double Alpha { get; set; } = 0.05;

    /// <summary>Drifting windows in a row that raise the alarm, K. Default 3.</summary>
    public int AlarmAfter { get; set; } = 3;

    /// <summary>Folders of images whose outputs are a model version's reference; a version without one uses its first samples.</summary>
    public List<DriftReferenceOptions> References { get; set; } = [];

    /// <summary>The folder reference of <paramref name="model"/>'s <paramref name="version"/>: one naming the version, else one naming none.</summary>
    public DriftReferenceOptions? ReferenceFor(string model, string version)
    {
        var forModel = References.Where(r => string.Equals(r.Model, model, StringComparison.OrdinalIgnoreCase)).ToArray();
        return forModel.FirstOrDefault(r => r.Version == version) ?? forModel.FirstOrDefault(r => r.Version is null);
    }
}

/// <summary>A folder of images whose outputs are a model's reference.</summary>
public sealed class DriftReferenceOptions
{
    /// <summary>The model's name.</summary>
    public string Model { get; set; } = "";

    /// <summary>The version it is the reference of; null for every version without one of its own.</summary>
    public string? Version { get; set; }

    /// <summary>The folder; its images (JPEG, PNG, BMP, WebP) are read in name order, up to <see cref="DriftOptions.ReferenceSize"/>.</summary>
    public string Folder { get; set; } = "";
}

/// <summary>Lists every problem with <see cref="DriftOptions"/> at start-up.</summary>
internal sealed class DriftOptionsValidator : IValidateOptions<DriftOptions>
{
    private const string Section = DriftOptions.Section;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DriftOptions options)
    {
        List<string> failures = [];
        if (!(options.SampleShare is >= 0 and <= 1)) failures.Add($"{Section}:SampleShare must be from 0 to 1 (is {options.SampleShare}).");
        if (options.BufferSize < 1) failures.Add($"{Section}:BufferSize must be at least 1 (is {options.BufferSize}).");
        if (options.ReferenceSize < 2) failures.Add($"{Section}:ReferenceSize must be at least 2 (is {options.ReferenceSize}).");
        if (options.WindowSize < 2) failures.Add($"{Section}:WindowSize must be at least 2 (is {options.WindowSize}).");
        if ((long)options.ReferenceSize + options.WindowSize > DriftOptions.MaxPooled)
        {
            failures.Add($"{Section}:ReferenceSize and WindowSize together must be at most {DriftOptions.MaxPooled} (are {(long)options.ReferenceSize + options.WindowSize}).");
        }

        if (options.Permutations < 1) failures.Add($"{Section}:Permutations must be at least 1 (is {options.Permutations}).");
        if (options.ProjectionDimensions < 0) failures.Add($"{Section}:ProjectionDimensions must not be negative (is {options.ProjectionDimensions}).");
        if (!(options.Alpha is > 0 and < 1)) failures.Add($"{Section}:Alpha must be between 0 and 1 (is {options.Alpha}).");
        if (options.AlarmAfter < 1) failures.Add($"{Section}:AlarmAfter must be at least 1 (is {options.AlarmAfter}).");
        for (var i = 0; i < options.References.Count; i++)
        {
            var reference = options.References[i];
            var at = $"{Section}:References:{i}";
            if (string.IsNullOrWhiteSpace(reference.Model)) failures.Add($"{at}:Model is required.");
            if (string.IsNullOrWhiteSpace(reference.Folder)) failures.Add($"{at}:Folder is required.");
            else if (!Directory.Exists(reference.Folder)) failures.Add($"{at}:Folder '{reference.Folder}' does not exist.");
            if (options.References.Take(i).Any(r => string.Equals(r.Model, reference.Model, StringComparison.OrdinalIgnoreCase) && r.Version == reference.Version))
            {
                failures.Add($"{at} names {reference.Model} {(reference.Version is null ? "without a version" : $"version {reference.Version}")} again.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
