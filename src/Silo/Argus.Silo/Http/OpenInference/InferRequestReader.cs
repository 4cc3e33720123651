using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using Argus.Models;

namespace Argus.Silo.Http.OpenInference;

/// <summary>
/// Reads an inference request's body: the JSON, then (with the binary tensor data extension) the binary data after it.
/// Pure, and it never throws for what a client sends: the answer is a request to run or the list of what is wrong.
/// </summary>
internal static class InferRequestReader
{
    /// <summary>The binary tensor data extension's header: the length of the JSON at the start of the body.</summary>
    public const string HeaderLength = "Inference-Header-Content-Length";

    private static readonly JsonDocumentOptions Syntax = new() { AllowDuplicateProperties = false };

    /// <summary>Reads <paramref name="body"/> and checks it against <paramref name="model"/>.</summary>
    /// <param name="body">The whole request body.</param>
    /// <param name="headerLength">The <see cref="HeaderLength"/> header as sent, or null when absent (all JSON).</param>
    /// <param name="model">The model the request is for.</param>
    public static InferRequestCheck Read(ReadOnlyMemory<byte> body, string? headerLength, ModelInfo model)
    {
        var jsonLength = body.Length;
        if (headerLength is not null)
        {
            if (!int.TryParse(headerLength, NumberStyles.None, CultureInfo.InvariantCulture, out jsonLength))
            {
                return new InvalidInferRequest([$"{HeaderLength} must be a whole number of bytes (is '{headerLength}')."]);
            }

            if (jsonLength > body.Length)
            {
                return new InvalidInferRequest([$"{HeaderLength} is {jsonLength}, but the body has {body.Length} bytes."]);
            }
        }

        return Parse(body[..jsonLength], out var request) is { } problem
            ? new InvalidInferRequest([problem])
            : InferRequestValidator.Validate(request!, body[jsonLength..], model);
    }

    /// <summary>The request's JSON as records, or why it cannot be read.</summary>
    private static string? Parse(ReadOnlyMemory<byte> json, out InferRequest? request)
    {
        request = null;

        // The JSON reader leaves strings unchecked until they are read, and bad ones then throw InvalidOperationException
        // (which the serializer wraps in a JsonException and the document's check for repeated names does not): bad UTF-8
        // is refused here, an escaped lone surrogate (\ud800) by the catches below.
        if (!Utf8.IsValid(json.Span))
        {
            return "The request is not valid UTF-8.";
        }

        // Two steps so that a syntax error (or a repeated field) and a value of the wrong type get their own message.
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Syntax);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return $"The request is not valid JSON: {e.Message}";
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return $"The request must be a JSON object, not {Describe(document.RootElement.ValueKind)}.";
            }

            try
            {
                request = document.Deserialize(InferRequestJson.Default.InferRequest)!;
                return null;
            }
            catch (JsonException e)
            {
                return $"The request does not follow the protocol at {e.Path}: a value of the wrong JSON type, a number out of range, or an invalid string.";
            }
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
