using System.Text.Json;
using System.Text.Json.Serialization;
using Argus.Errors;
using Argus.Inference.Models;
using Argus.Models;

namespace Argus.Grains.Models;

/// <summary>
/// A <see cref="ModelDefinition"/>'s JSON read as the <see cref="ModelOptions"/> of a configuration entry: the same
/// names (in any case), enums by name, and an unknown field refused rather than ignored (a misspelt <c>MaxBatchSize</c>
/// would otherwise load a version with defaults).
/// </summary>
public static class ModelDefinitions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>
    /// A definition of <paramref name="model"/> from a load request's body: a JSON object in the shape of an
    /// <c>Argus:Inference:Models</c> entry, whose <c>version</c> is required and whose <c>name</c>, if given, is the model's.
    /// </summary>
    /// <exception cref="BadInputException">The body is not such an object.</exception>
    public static ModelDefinition FromBody(string model, byte[] body)
    {
        var definition = ModelDefinition.FromJson(model, System.Text.Encoding.UTF8.GetString(body));
        var options = Read(model, body);
        if (!string.IsNullOrEmpty(options.Name) && !string.Equals(options.Name, model, StringComparison.OrdinalIgnoreCase))
        {
            throw new BadInputException($"name: the body defines model '{options.Name}', the path names '{model}'.");
        }

        return definition;
    }

    /// <summary>The options a definition describes, its name and version those of the definition.</summary>
    /// <exception cref="BadInputException">Its JSON is not a model entry.</exception>
    public static ModelOptions Parse(ModelDefinition definition)
    {
        var options = Read(definition.Name, System.Text.Encoding.UTF8.GetBytes(definition.Json));
        options.Name = definition.Name;
        options.Version = definition.Version;
        return options;
    }

    private static ModelOptions Read(string model, byte[] body)
    {
        try
        {
            return JsonSerializer.Deserialize<ModelOptions>(body, Json)
                ?? throw new BadInputException($"The definition of model '{model}' is null; it is a JSON object like an Argus:Inference:Models entry.");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new BadInputException($"The definition of model '{model}' is not a model entry: {e.Message}");
        }
    }
}
