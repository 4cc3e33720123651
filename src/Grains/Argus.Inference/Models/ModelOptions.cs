using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Argus.Inference.Batching;
using Argus.Inference.Imaging;
using Argus.Inference.Postprocessing;

namespace Argus.Inference.Models;

/// <summary>
/// One version of a model, as declared in configuration (<c>Argus:Inference:Models</c>) or loaded at run time
/// (<see cref="Devices.DeviceRuntime.LoadAsync"/>). A version is identified by (<see cref="Name"/>, <see cref="Version"/>):
/// names compare case-insensitively, versions ordinally.
/// </summary>
/// <remarks>
/// File paths (<see cref="Path"/>, <see cref="PreprocessPath"/>, <see cref="LabelsPath"/>) resolve by <see cref="ModelFiles"/>:
/// a configured version's relative to the application's folder or absolute anywhere (the operator's configuration is
/// trusted); a version loaded at run time only inside <see cref="InferenceOptions.ModelRoot"/>.
/// </remarks>
public sealed partial class ModelOptions
{
    /// <summary>The name callers use, e.g. <c>resnet18</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>
    /// The version reported with every result: 1 to 64 letters, digits, '.', '-' or '_' (it appears in URLs and metric
    /// labels). Default "1".
    /// </summary>
    public string Version { get; set; } = "1";

    /// <summary>The ONNX file (see the remarks for where paths resolve).</summary>
    public string Path { get; set; } = "";

    /// <summary>
    /// An optional ONNX graph run before the model on the same device (e.g. ResNet18's <c>ResNetPreprocess.onnx</c>,
    /// which reorders channels and subtracts a mean image). The model's declared input is then this graph's input.
    /// </summary>
    public string? PreprocessPath { get; set; }

    /// <summary>What the output means.</summary>
    public ModelTask Task { get; set; } = ModelTask.Embedding;

    /// <summary>How images become the model's input.</summary>
    public PreprocessOptions Preprocess { get; set; } = new();

    /// <summary>Class labels, one per line, for <see cref="ModelTask.Classification"/>.</summary>
    public string? LabelsPath { get; set; }

    /// <summary>Classes returned per item. Default 5.</summary>
    public int TopK { get; set; } = 5;

    /// <summary>Apply softmax to the output; turn off when the model already ends in one. Default true.</summary>
    public bool Softmax { get; set; } = true;

    /// <summary>How a probability map becomes boxes, for <see cref="ModelTask.Detection"/>.</summary>
    public DetectionOptions Detection { get; set; } = new();

    /// <summary>How requests to this model are batched.</summary>
    public BatchingOptions Batching { get; set; } = new();

    /// <summary>
    /// On simulated devices, the latency profile this version's batches follow instead of the silo's
    /// (<see cref="SimulationOptions.Profile"/>), e.g. <c>failing</c>, whose batches all fail. A configured version may
    /// name a profile as the silo's profile is named; a version loaded at run time only a built-in or shipped profile
    /// (<see cref="Simulation.LatencyProfile.ResolveName"/>). Ignored on real devices. Default null: the silo's.
    /// </summary>
    public string? SimProfile { get; set; }

    /// <summary>Every error in this declaration, each prefixed with <paramref name="owner"/> (where it was declared).</summary>
    public IEnumerable<string> Validate(string owner)
    {
        if (string.IsNullOrWhiteSpace(Name)) yield return $"{owner}: Name is required.";
        if (!VersionPattern().IsMatch(Version)) yield return $"{owner}: Version must be 1 to 64 letters, digits, '.', '-' or '_' (is '{Version}').";
        if (string.IsNullOrWhiteSpace(Path)) yield return $"{owner}: Path is required.";
        if (Task == ModelTask.Classification && TopK < 1) yield return $"{owner}: TopK must be at least 1.";
        foreach (var e in Preprocess.Validate(owner)) yield return e;
        if (Task == ModelTask.Detection)
        {
            // DB detectors halve the input five times and add the levels back up: other sizes fail inside the model.
            if (Preprocess.Width % 32 != 0 || Preprocess.Height % 32 != 0)
            {
                yield return $"{owner}: a detection model's Width and Height must be multiples of 32 (are {Preprocess.Width}×{Preprocess.Height}).";
            }

            foreach (var e in Detection.Validate(owner)) yield return e;
        }

        foreach (var e in Batching.Validate(owner)) yield return e;
    }

    /// <summary>
    /// The rules across the versions a silo serves at once: no (name, version) twice, one spelling of a name (it labels
    /// metrics and results), and one task for every version of a name (callers of a name get the same kind of output
    /// whichever version answers).
    /// </summary>
    internal static IEnumerable<string> ValidateVersions(IEnumerable<ModelOptions> models)
    {
        foreach (var name in models.GroupBy(m => m.Name, StringComparer.OrdinalIgnoreCase))
        {
            if (name.Select(m => m.Name).Distinct(StringComparer.Ordinal).Count() > 1)
            {
                yield return $"The versions of model '{name.Key}' spell its name differently ({string.Join(", ", name.Select(m => m.Name).Distinct())}): use one spelling.";
            }

            foreach (var twice in name.GroupBy(m => m.Version, StringComparer.Ordinal).Where(v => v.Count() > 1))
            {
                yield return $"Model '{name.Key}' version '{twice.Key}' is declared {twice.Count()} times.";
            }

            if (name.Select(m => m.Task).Distinct().Count() > 1)
            {
                yield return $"The versions of model '{name.Key}' must share one task; they declare {string.Join(", ", name.Select(m => $"v{m.Version} {m.Task}"))}.";
            }
        }
    }

    /// <summary>A version's identity as messages and logs name it.</summary>
    [System.Text.Json.Serialization.JsonIgnore] // not a setting: SameDefinition compares the serialized settings
    public string Identity => $"'{Name}' v{Version}";

    /// <summary>Whether <paramref name="other"/> declares the same thing: every setting equal, the name's case aside.</summary>
    internal bool SameDefinition(ModelOptions other) =>
        string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase) && JsonNode.DeepEquals(Settings(this), Settings(other));

    // Serialized, every setting (nested options and lists included) takes part, including settings added later.
    private static JsonNode Settings(ModelOptions m)
    {
        var node = JsonSerializer.SerializeToNode(m)!.AsObject();
        node.Remove(nameof(Name));
        return node;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex VersionPattern();
}
