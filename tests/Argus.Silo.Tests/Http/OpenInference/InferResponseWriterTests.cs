using System.Buffers.Binary;
using System.Text.Json;
using Argus.Devices;
using Argus.Silo.Http.OpenInference;
using Microsoft.AspNetCore.Http;
using static Argus.Silo.Tests.Http.OpenInference.Requests;

namespace Argus.Silo.Tests.Http.OpenInference;

/// <summary>The response as JSON or with the output as binary data, including values JSON cannot hold.</summary>
public sealed class InferResponseWriterTests
{
    private static readonly InferenceResponse Answer = new("tiny", "1", "silo/cpu0", "cpu",
    [
        new ItemResult { Raw = [1.5f, float.NaN, float.PositiveInfinity] },
        new ItemResult { Raw = [float.NegativeInfinity, -0.25f, 0f] },
    ]);

    private static async Task<(byte[] Body, HttpResponse Response)> WriteAsync(bool binary)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await new InferResponseWriter(Model, new ValidInferRequest("r", [], binary), Answer).ExecuteAsync(context);
        return (((MemoryStream)context.Response.Body).ToArray(), context.Response);
    }

    [Fact]
    public async Task NaN_and_infinities_are_written_as_strings_in_valid_JSON()
    {
        var (body, response) = await WriteAsync(binary: false);

        Assert.Equal("application/json", response.ContentType);
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal("r", root.GetProperty("id").GetString());
        Assert.Equal("cpu", root.GetProperty("parameters").GetProperty("device_kind").GetString());
        var output = root.GetProperty("outputs")[0];
        Assert.Equal("y", output.GetProperty("name").GetString());
        Assert.Equal([2L, 3], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var data = output.GetProperty("data").Deserialize<float[]>(new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });
        Assert.Equal([1.5f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0.25f, 0f], data!);
        Assert.Equal(JsonValueKind.String, output.GetProperty("data")[1].ValueKind);
    }

    [Fact]
    public async Task Binary_output_follows_the_JSON_whose_length_the_header_gives()
    {
        var (body, response) = await WriteAsync(binary: true);

        var jsonLength = int.Parse(response.Headers[InferRequestReader.HeaderLength]!);
        var output = JsonDocument.Parse(body.AsMemory(0, jsonLength)).RootElement.GetProperty("outputs")[0];
        Assert.False(output.TryGetProperty("data", out _));
        Assert.Equal(6 * sizeof(float), output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.Equal(jsonLength + (6 * sizeof(float)), body.Length);
        var values = Enumerable.Range(0, 6).Select(i => BinaryPrimitives.ReadSingleLittleEndian(body.AsSpan(jsonLength + (i * sizeof(float))))).ToArray();
        Assert.Equal([1.5f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0.25f, 0f], values);
    }
}
