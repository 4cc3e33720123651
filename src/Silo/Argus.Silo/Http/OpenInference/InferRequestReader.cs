using System.Globalization;
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

        return Parse(body.Span[..jsonLength], out var request) is { } problem
            ? new InvalidInferRequest([problem])
            : InferRequestValidator.Validate(request!, body[jsonLength..], model);
    }

    /// <summary>The request's JSON as records, or why it cannot be read.</summary>
    private static string? Parse(ReadOnlySpan<byte> json, out InferRequest? request)
    {
        // The JSON reader leaves strings unchecked until they are read: bad UTF-8 is refused here, an escaped lone
        // surrogate (\ud800) where it is read.
        if (!Utf8.IsValid(json))
        {
            request = null;
            return "The request is not valid UTF-8.";
        }

        return InferRequestJson.Read(json, out request);
    }
}
