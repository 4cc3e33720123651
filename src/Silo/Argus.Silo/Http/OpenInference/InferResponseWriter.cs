using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Argus.Devices;
using Argus.Inference.Telemetry;
using Argus.Models;

namespace Argus.Silo.Http.OpenInference;

/// <summary>
/// Writes the protocol's inference response: JSON with the output tensor's data in it, or JSON followed by the output as
/// binary data (the binary tensor data extension; the JSON's length in <see cref="InferRequestReader.HeaderLength"/>).
/// </summary>
internal sealed class InferResponseWriter(ModelInfo model, ValidInferRequest request, InferenceResponse response) : IResult
{
    public async Task ExecuteAsync(HttpContext context)
    {
        ReadOnlyMemory<byte> json;
        byte[]? binary = null;
        using (StageClock.Start(ServingStage.Write))
        {
            var rows = new float[response.Items.Count][];
            var values = 0;
            for (var i = 0; i < rows.Length; i++)
            {
                rows[i] = response.Items[i].Raw!;
                values += rows[i].Length;
            }

            json = Json(rows, values * sizeof(float));
            if (request.BinaryOutput)
            {
                binary = TensorData.RawFloats(rows);
            }
        }

        var http = context.Response;
        if (binary is null)
        {
            http.ContentType = "application/json";
            await http.Body.WriteAsync(json, context.RequestAborted);
            return;
        }

        http.ContentType = "application/octet-stream";
        http.Headers[InferRequestReader.HeaderLength] = json.Length.ToString(CultureInfo.InvariantCulture);
        await http.Body.WriteAsync(json, context.RequestAborted);
        await http.Body.WriteAsync(binary, context.RequestAborted);
    }

    private ReadOnlyMemory<byte> Json(float[][] rows, int binaryLength)
    {
        var shape = TensorData.OutputShape(model, rows.Length);
        var json = new ArrayBufferWriter<byte>();
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
            writer.WriteString("datatype", TensorData.Fp32);
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
                foreach (var row in rows)
                {
                    foreach (var v in row)
                    {
                        WriteValue(writer, v);
                    }
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return json.WrittenMemory;
    }

    /// <summary>
    /// JSON has no NaN or infinities, which a model may well give. Triton writes them as bare <c>NaN</c>/<c>Infinity</c>,
    /// which strict JSON readers refuse; these are the strings System.Text.Json reads with
    /// <c>JsonNumberHandling.AllowNamedFloatingPointLiterals</c> and Python's <c>float()</c> reads too.
    /// </summary>
    private static void WriteValue(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(float.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }
}
