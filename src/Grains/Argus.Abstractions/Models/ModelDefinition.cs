using System.Text.Json;
using Argus.Errors;

namespace Argus.Models;

/// <summary>
/// A model version loaded at run time through the model repository: its definition is the JSON of one
/// <c>Argus:Inference:Models</c> entry (file, preprocessing, task, batching, warm-up), so a version is written the
/// same way in configuration and in a load request. Its files are resolved under the silos' model root.
/// </summary>
/// <param name="Name">The model's name.</param>
/// <param name="Version">The version.</param>
/// <param name="Json">The entry, a JSON object; its <c>Name</c> and <c>Version</c>, when present, equal the two above.</param>
[GenerateSerializer, Immutable, Alias("Argus.Models.ModelDefinition")]
public sealed record ModelDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] string Version,
    [property: Id(2)] string Json)
{
    /// <summary>The model and version it defines.</summary>
    public ModelVersionRef Ref => new(Name, Version);

    /// <summary>
    /// A definition of <paramref name="model"/> from a load request's JSON: an object whose <c>version</c> (in any case)
    /// is a string. Only this shape is checked here; the silos read the rest as a configuration entry and list every problem.
    /// </summary>
    /// <exception cref="BadInputException">It is not a JSON object with a <c>version</c> string.</exception>
    public static ModelDefinition FromJson(string model, string json)
    {
        string? version;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new BadInputException($"The definition of model '{model}' is not a JSON object like an Argus:Inference:Models entry.");
            }

            var named = document.RootElement.EnumerateObject().LastOrDefault(p => string.Equals(p.Name, "version", StringComparison.OrdinalIgnoreCase));
            version = named.Value.ValueKind == JsonValueKind.String ? named.Value.GetString() : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string that is not valid UTF-16 (a lone surrogate escape).
            throw new BadInputException($"The definition of model '{model}' is not valid JSON: {e.Message}");
        }

        return !string.IsNullOrWhiteSpace(version)
            ? new ModelDefinition(model, version, json)
            : throw new BadInputException("version: a load request names the version it loads, as a string.");
    }
}
