using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Argus.Devices;
using Argus.Errors;
using Argus.Grains.Devices;
using Argus.Models;
using Argus.Silo.Hosting;

namespace Argus.Silo.Http;

/// <summary>
/// The Open Inference Protocol v2 (KServe's and Triton's REST protocol), so existing clients work unchanged:
/// health, server and model metadata, and inference on FP32 tensors or on BYTES tensors of encoded images, as JSON or
/// with the binary tensor data extension (<c>Inference-Header-Content-Length</c>).
/// </summary>
internal static class OpenInferenceEndpoints
{
    public const string HeaderLength = "Inference-Header-Content-Length";

    public static void MapOpenInferenceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v2", () => Results.Json(new
        {
            name = "argus",
            version = typeof(OpenInferenceEndpoints).Assembly.GetName().Version?.ToString(),
            extensions = new[] { "binary_tensor_data" },
        }));
        app.MapGet("/v2/health/live", () => Results.Ok()).AllowAnonymous();
        app.MapGet("/v2/health/ready", (InferenceDoor d) => d.IsReady ? Results.Ok() : Error(StatusCodes.Status503ServiceUnavailable, "Models are loading.")).AllowAnonymous();
        app.MapGet("/v2/models/{model}", (string model, InferenceDoor d) => Metadata(d, model, null));
        app.MapGet("/v2/models/{model}/versions/{version}", (string model, string version, InferenceDoor d) => Metadata(d, model, version));
        app.MapGet("/v2/models/{model}/ready", (string model, InferenceDoor d) => Ready(d, model, null));
        app.MapGet("/v2/models/{model}/versions/{version}/ready", (string model, string version, InferenceDoor d) => Ready(d, model, version));
        app.MapPost("/v2/models/{model}/infer", (string model, HttpContext c, InferenceDoor d, ArgusSiloOptions s) => InferAsync(c, d, s, model, null));
        app.MapPost("/v2/models/{model}/versions/{version}/infer",
            (string model, string version, HttpContext c, InferenceDoor d, ArgusSiloOptions s) => InferAsync(c, d, s, model, version));
    }

    private static IResult Metadata(InferenceDoor devices, string name, string? version)
    {
        if (Find(devices, name, version, out var model) is { } error)
        {
            return error;
        }

        return Results.Json(new
        {
            name = model!.Name,
            versions = new[] { model.Version },
            platform = "onnxruntime_onnx",
            inputs = new[] { new { name = model.Input.Name, datatype = "FP32", shape = model.Input.Shape } },
            outputs = new[] { new { name = model.Output.Name, datatype = "FP32", shape = model.Output.Shape } },
        });
    }

    private static IResult Ready(InferenceDoor devices, string name, string? version) =>
        Find(devices, name, version, out _) ?? Results.Ok();

    private static IResult? Find(InferenceDoor devices, string name, string? version, out ModelInfo? model)
    {
        model = null;
        if (!devices.IsReady)
        {
            return Error(StatusCodes.Status503ServiceUnavailable, "Models are loading.");
        }

        model = devices.FindModel(name, version);
        if (model is null)
        {
            return Error(StatusCodes.Status404NotFound, version is null
                ? $"Unknown model '{name}'."
                : $"Unknown model '{name}' version '{version}'.");
        }

        return null;
    }

    private static async Task<IResult> InferAsync(HttpContext context, InferenceDoor devices, ArgusSiloOptions silo, string name, string? version)
    {
        var request = context.Request;
        if (!RequestOptions.TryParse(request, Lane.Interactive, out var options, out var invalid))
        {
            return Error(StatusCodes.Status400BadRequest, invalid!);
        }

        if (Find(devices, name, version, out var model) is { } notFound)
        {
            return notFound;
        }

        var (body, readError) = await HttpErrors.ReadBodyAsync(request, silo.MaxRequestBytes, Error);
        if (readError is not null)
        {
            return readError;
        }

        V2Request parsed;
        try
        {
            parsed = V2Request.Parse(body!, request.Headers[HeaderLength].FirstOrDefault(), model!);
        }
        catch (V2RequestException e)
        {
            return Error(StatusCodes.Status400BadRequest, e.Message);
        }

        InferenceResponse response;
        try
        {
            response = await devices.InferAsync(
                new InferenceRequest(model!.Name, parsed.Inputs, options.Lane, options.Deadline, OutputKind.Raw), context.RequestAborted);
        }
        catch (Exception e) when (HttpErrors.FromException(e) is { } error)
        {
            return Failed(context.Response, error);
        }

        // The protocol answers a request whole: one failed item fails it, bad input first.
        var failed = response.Items.Select((item, i) => (item.Error, i)).Where(x => x.Error is not null)
            .OrderBy(x => x.Error!.Kind == ErrorKind.BadInput ? 0 : 1).FirstOrDefault();
        if (failed.Error is { } itemError)
        {
            return Failed(context.Response, itemError with { Message = $"Item {failed.i}: {itemError.Message}" });
        }

        return new V2Response(model!, parsed, response);
    }

    private static IResult Failed(HttpResponse response, InferenceError error)
    {
        var status = HttpErrors.StatusOf(error.Kind);
        HttpErrors.SetRetryAfter(response, status, error.RetryAfterMs);
        return Error(status, error.Message);
    }

    /// <summary>The protocol's error object.</summary>
    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    /// <summary>A request that breaks the protocol or does not fit the model; answered with 400 and the reason.</summary>
    private sealed class V2RequestException(string message) : Exception(message);

    /// <summary>A parsed v2 inference request: its items, and how the caller wants the output.</summary>
    private sealed record V2Request(string? Id, InferenceInput[] Inputs, bool BinaryOutput)
    {
        public static V2Request Parse(byte[] body, string? headerLengthText, ModelInfo model)
        {
            var jsonLength = body.Length;
            if (headerLengthText is not null)
            {
                if (!int.TryParse(headerLengthText, NumberStyles.None, CultureInfo.InvariantCulture, out jsonLength) || jsonLength > body.Length)
                {
                    throw new V2RequestException($"{HeaderLength} is '{headerLengthText}', the body has {body.Length} bytes.");
                }
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body.AsMemory(0, jsonLength));
            }
            catch (JsonException e)
            {
                throw new V2RequestException($"The request is not valid JSON: {e.Message}");
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array)
                {
                    throw new V2RequestException("The request needs an 'inputs' array.");
                }

                if (inputs.GetArrayLength() != 1)
                {
                    throw new V2RequestException($"Model '{model.Name}' takes one input, '{model.Input.Name}'; the request has {inputs.GetArrayLength()}.");
                }

                ReadOnlyMemory<byte> binary = body.AsMemory(jsonLength);
                var items = ParseInput(inputs[0], model, ref binary);
                return new V2Request(
                    root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null,
                    items, WantsBinaryOutput(root, model));
            }
        }

        private static InferenceInput[] ParseInput(JsonElement input, ModelInfo model, ref ReadOnlyMemory<byte> binary)
        {
            var name = input.TryGetProperty("name", out var n) ? n.GetString() : null;
            if (name != model.Input.Name)
            {
                throw new V2RequestException($"Unexpected input '{name}': model '{model.Name}' takes '{model.Input.Name}'.");
            }

            var datatype = input.TryGetProperty("datatype", out var d) ? d.GetString() : null;
            var shape = ReadShape(input);
            ReadOnlyMemory<byte>? raw = null;
            if (input.TryGetProperty("parameters", out var p) && p.TryGetProperty("binary_data_size", out var size))
            {
                var length = size.GetInt32();
                if (length < 0 || length > binary.Length)
                {
                    throw new V2RequestException($"binary_data_size {length} exceeds the {binary.Length} binary bytes sent.");
                }

                raw = binary[..length];
                binary = binary[length..];
            }
            else if (!input.TryGetProperty("data", out _))
            {
                throw new V2RequestException($"Input '{name}' has neither 'data' nor binary data.");
            }

            return datatype switch
            {
                "FP32" => ParseTensors(input, shape, model, raw),
                "BYTES" => ParseImages(input, shape, raw),
                _ => throw new V2RequestException($"Input datatype '{datatype}' is not supported: send FP32 tensors or BYTES holding encoded images."),
            };
        }

        private static long[] ReadShape(JsonElement input)
        {
            if (!input.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array || shape.GetArrayLength() == 0)
            {
                throw new V2RequestException("The input needs a non-empty 'shape'.");
            }

            var dims = shape.EnumerateArray().Select(e => e.TryGetInt64(out var v) && v >= 0 ? v : -1).ToArray();
            return dims.Any(v => v < 0) ? throw new V2RequestException("Shape dimensions must be non-negative integers.") : dims;
        }

        private static InferenceInput[] ParseTensors(JsonElement input, long[] shape, ModelInfo model, ReadOnlyMemory<byte>? raw)
        {
            var itemShape = model.Input.Shape.Skip(1).ToArray();
            if (!shape.Skip(1).SequenceEqual(itemShape) || shape[0] < 1)
            {
                throw new V2RequestException(
                    $"Shape [{string.Join(',', shape)}] does not fit model '{model.Name}', which takes [N,{string.Join(',', itemShape)}] with N ≥ 1.");
            }

            var itemLength = model.Input.ItemLength;
            var count = (int)shape[0];
            float[] values;
            if (raw is { } bytes)
            {
                if (bytes.Length != (long)count * itemLength * sizeof(float))
                {
                    throw new V2RequestException($"Binary FP32 data has {bytes.Length} bytes; shape [{string.Join(',', shape)}] needs {(long)count * itemLength * 4}.");
                }

                values = new float[count * itemLength];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Span[(i * 4)..]);
                }
            }
            else
            {
                List<float> flat = new(count * itemLength);
                Flatten(input.GetProperty("data"), e => flat.Add(e.ValueKind == JsonValueKind.Number
                    ? e.GetSingle()
                    : throw new V2RequestException("FP32 data must hold numbers.")));
                if (flat.Count != count * itemLength)
                {
                    throw new V2RequestException($"FP32 data has {flat.Count} values; shape [{string.Join(',', shape)}] needs {count * itemLength}.");
                }

                values = [.. flat];
            }

            return [.. Enumerable.Range(0, count).Select(i => InferenceInput.FromTensor(values.AsSpan(i * itemLength, itemLength).ToArray()))];
        }

        private static InferenceInput[] ParseImages(JsonElement input, long[] shape, ReadOnlyMemory<byte>? raw)
        {
            if (shape.Length > 2 || (shape.Length == 2 && shape[1] != 1) || shape[0] < 1)
            {
                throw new V2RequestException($"BYTES input shape must be [N] or [N,1] with N ≥ 1 (is [{string.Join(',', shape)}]).");
            }

            List<InferenceInput> images = [];
            if (raw is { } bytes)
            {
                // Binary BYTES elements: a 4-byte little-endian length, then the bytes.
                var span = bytes.Span;
                while (span.Length > 0)
                {
                    if (span.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(span) > span.Length - 4)
                    {
                        throw new V2RequestException("Binary BYTES data is truncated.");
                    }

                    var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(span);
                    images.Add(InferenceInput.FromImage(span.Slice(4, length).ToArray()));
                    span = span[(4 + length)..];
                }
            }
            else
            {
                Flatten(input.GetProperty("data"), e => images.Add(InferenceInput.FromImage(DecodeBase64(e))));
            }

            return images.Count == shape[0]
                ? [.. images]
                : throw new V2RequestException($"BYTES data has {images.Count} elements; shape says {shape[0]}.");
        }

        /// <summary>In JSON, an encoded image travels base64-encoded, as a string or as <c>{"b64": "…"}</c>.</summary>
        private static byte[] DecodeBase64(JsonElement element)
        {
            var text = element.ValueKind switch
            {
                JsonValueKind.String => element.GetString(),
                JsonValueKind.Object when element.TryGetProperty("b64", out var b) => b.GetString(),
                _ => null,
            };
            try
            {
                return text is null
                    ? throw new V2RequestException("BYTES data in JSON must be base64 strings (or {\"b64\": \"…\"}).")
                    : Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                throw new V2RequestException("BYTES data in JSON must be base64-encoded images.");
            }
        }

        private static void Flatten(JsonElement data, Action<JsonElement> add)
        {
            if (data.ValueKind != JsonValueKind.Array)
            {
                add(data);
                return;
            }

            foreach (var e in data.EnumerateArray())
            {
                Flatten(e, add);
            }
        }

        private static bool WantsBinaryOutput(JsonElement root, ModelInfo model)
        {
            var binary = root.TryGetProperty("parameters", out var p) && p.TryGetProperty("binary_data_output", out var b) && b.ValueKind == JsonValueKind.True;
            if (!root.TryGetProperty("outputs", out var outputs) || outputs.ValueKind != JsonValueKind.Array)
            {
                return binary;
            }

            foreach (var output in outputs.EnumerateArray())
            {
                var name = output.TryGetProperty("name", out var n) ? n.GetString() : null;
                if (name != model.Output.Name)
                {
                    throw new V2RequestException($"Unknown output '{name}': model '{model.Name}' gives '{model.Output.Name}'.");
                }

                if (output.TryGetProperty("parameters", out var op) && op.TryGetProperty("binary_data", out var ob))
                {
                    binary = ob.ValueKind == JsonValueKind.True;
                }
            }

            return binary;
        }
    }

    /// <summary>Writes the protocol's response: JSON, or JSON followed by the raw output (binary tensor data extension).</summary>
    private sealed class V2Response(ModelInfo model, V2Request request, InferenceResponse response) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            var rows = response.Items.Select(i => i.Raw!).ToArray();
            var shape = model.Output.Shape.ToArray();
            shape[0] = rows.Length;
            var binaryLength = rows.Sum(r => r.Length) * sizeof(float);

            using var json = new MemoryStream();
            using (var writer = new Utf8JsonWriter(json))
            {
                writer.WriteStartObject();
                writer.WriteString("model_name", model.Name);
                writer.WriteString("model_version", response.Version);
                if (request.Id is not null)
                {
                    writer.WriteString("id", request.Id);
                }

                // Which device answered, and whether it was a simulated one (kind "sim": no model ran).
                writer.WriteStartObject("parameters");
                writer.WriteString("device", response.Device);
                writer.WriteString("device_kind", response.DeviceKind);
                writer.WriteEndObject();
                writer.WriteStartArray("outputs");
                writer.WriteStartObject();
                writer.WriteString("name", model.Output.Name);
                writer.WriteString("datatype", "FP32");
                writer.WriteStartArray("shape");
                foreach (var d in shape)
                {
                    writer.WriteNumberValue(d);
                }

                writer.WriteEndArray();
                if (request.BinaryOutput)
                {
                    writer.WriteStartObject("parameters");
                    writer.WriteNumber("binary_data_size", binaryLength);
                    writer.WriteEndObject();
                }
                else
                {
                    writer.WriteStartArray("data");
                    foreach (var v in rows.SelectMany(r => r))
                    {
                        writer.WriteNumberValue(v);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            var http = context.Response;
            if (!request.BinaryOutput)
            {
                http.ContentType = "application/json";
                await http.Body.WriteAsync(json.GetBuffer().AsMemory(0, (int)json.Length), context.RequestAborted);
                return;
            }

            http.ContentType = "application/octet-stream";
            http.Headers[HeaderLength] = json.Length.ToString(CultureInfo.InvariantCulture);
            await http.Body.WriteAsync(json.GetBuffer().AsMemory(0, (int)json.Length), context.RequestAborted);
            var bytes = new byte[binaryLength];
            var offset = 0;
            foreach (var v in rows.SelectMany(r => r))
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(offset), v);
                offset += sizeof(float);
            }

            await http.Body.WriteAsync(bytes, context.RequestAborted);
        }
    }
}
