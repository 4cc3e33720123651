using System.Text.Json;
using System.Text.Json.Serialization;

namespace Argus.Client;

/// <summary>The JSON of the silos' v1 HTTP API, as the SDK reads and writes it.</summary>
public static class ArgusJson
{
    /// <summary>
    /// snake_case names, enums as snake_case strings, nulls left out. Unlike the silo's own options, dictionary keys stay as
    /// given: they are the labels of a pipeline's rules, which the models name (<c>Porn</c>), and the silo reads them as sent.
    /// Read-only.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
