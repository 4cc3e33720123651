using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Argus.Inference.Imaging;
using Argus.Testing;

namespace Argus.Silo.Tests.Http;

/// <summary>The Open Inference Protocol v2, as KServe's and Triton's clients speak it.</summary>
public sealed class OpenInferenceEndpointsTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private HttpClient Http => fixture.Http!;

    private static readonly PreprocessOptions TextDirection = new()
    {
        Width = 192, Height = 48, Resize = ResizeMode.PadRight, Channels = ChannelOrder.Bgr,
        Mean = [127.5f, 127.5f, 127.5f], Std = [127.5f, 127.5f, 127.5f],
    };

    private async Task<(HttpStatusCode Status, JsonElement Json)> InferAsync(string model, object request)
    {
        var response = await Http.PostAsJsonAsync($"v2/models/{model}/infer", request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static float[] Data(JsonElement output) => [.. output.GetProperty("data").EnumerateArray().Select(e => e.GetSingle())];

    [Fact]
    public async Task Health_server_and_model_metadata_follow_the_protocol()
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("v2/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("v2/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("v2/models/resnet18/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("v2/models/resnet18/versions/1/ready")).StatusCode);
        Assert.Equal("argus", (await Http.GetFromJsonAsync<JsonElement>("v2")).GetProperty("name").GetString());

        var metadata = await Http.GetFromJsonAsync<JsonElement>("v2/models/resnet18");
        Assert.Equal("resnet18", metadata.GetProperty("name").GetString());
        var input = metadata.GetProperty("inputs")[0];
        Assert.Equal("FP32", input.GetProperty("datatype").GetString());
        Assert.Equal([-1L, 3, 224, 224], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal([-1L, 512, 1, 1], metadata.GetProperty("outputs")[0].GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
    }

    [Fact]
    public async Task A_body_cut_off_before_its_Content_Length_gets_no_5xx_and_the_next_request_is_served()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(Http.BaseAddress!.Host, Http.BaseAddress.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "POST /v2/models/resnet18/infer HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"inputs\":["));
        client.Client.Shutdown(SocketShutdown.Send);

        // Kestrel ends (or resets) the connection of a client that stopped sending mid-body; whatever it answers is not a 5xx.
        var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received);
        }
        catch (IOException)
        {
            // Reset, after whatever came before it.
        }

        var answer = Encoding.ASCII.GetString(received.ToArray());

        Assert.DoesNotContain("HTTP/1.1 5", answer);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("v2/models/resnet18/ready")).StatusCode);
    }

    [Fact]
    public async Task Unknown_models_and_versions_are_404_with_the_protocol_error_object()
    {
        var missing = await Http.GetAsync("v2/models/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("nope", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("v2/models/resnet18/versions/7")).StatusCode);
    }

    [Fact]
    public async Task Fp32_tensors_and_encoded_images_give_the_same_output()
    {
        var image = TestData.Image("imageTextN.png");
        var tensor = new ImagePreprocessor(TextDirection).Process(image, new ImageLimits());

        var (fpStatus, fp) = await InferAsync("text-direction", new
        {
            id = "fp32",
            inputs = new[] { new { name = "x", shape = new[] { 2, 3, 48, 192 }, datatype = "FP32", data = tensor.Concat(tensor).ToArray() } },
        });
        var (bytesStatus, bytes) = await InferAsync("text-direction", new
        {
            inputs = new[] { new { name = "x", shape = new[] { 1 }, datatype = "BYTES", data = new[] { Convert.ToBase64String(image) } } },
        });

        Assert.Equal(HttpStatusCode.OK, fpStatus);
        Assert.Equal(HttpStatusCode.OK, bytesStatus);
        Assert.Equal("fp32", fp.GetProperty("id").GetString());
        var fpOutput = fp.GetProperty("outputs")[0];
        Assert.Equal([2L, 2], fpOutput.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var expected = Data(bytes.GetProperty("outputs")[0]);
        Assert.Equal([.. expected, .. expected], Data(fpOutput));
    }

    [Fact]
    public async Task The_binary_tensor_data_extension_works_both_ways()
    {
        var images = new[] { TestData.Image("apple.jpg"), TestData.Image("baboon.jpg") };
        var binary = images.SelectMany(i => BitConverter.GetBytes(i.Length).Concat(i)).ToArray();
        var header = JsonSerializer.SerializeToUtf8Bytes(new
        {
            inputs = new[] { new { name = "OriginalInput", shape = new[] { 2 }, datatype = "BYTES", parameters = new { binary_data_size = binary.Length } } },
            outputs = new[] { new { name = "Pooling395_Output_0", parameters = new { binary_data = true } } },
        });
        var content = new ByteArrayContent([.. header, .. binary]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", header.Length.ToString());

        var response = await Http.PostAsync("v2/models/resnet18/infer", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        var jsonLength = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single());
        var output = JsonDocument.Parse(body.AsMemory(0, jsonLength)).RootElement.GetProperty("outputs")[0];
        Assert.Equal([2L, 512, 1, 1], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(2 * 512 * 4, output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.Equal(jsonLength + (2 * 512 * 4), body.Length);
        var first = Enumerable.Range(0, 512).Select(i => BinaryPrimitives.ReadSingleLittleEndian(body.AsSpan(jsonLength + (i * 4)))).ToArray();
        Assert.Contains(first, v => v > 0);
    }

    /// <summary>
    /// A binary body is read into an array rented from a shared pool and returned once its request has answered: a
    /// request must never read an array another request has taken back (bodies of different lengths share arrays).
    /// </summary>
    [Fact]
    public async Task Concurrent_binary_requests_of_different_sizes_each_get_the_answer_to_their_own_tensors()
    {
        var output = (await Http.GetFromJsonAsync<JsonElement>("v2/models/text-direction")).GetProperty("outputs")[0].GetProperty("name").GetString()!;
        var preprocessor = new ImagePreprocessor(TextDirection);
        var tensors = new[] { "imageTextN.png", "imageTextR.png", "apple.jpg", "board.jpg" }
            .Select(name => preprocessor.Process(TestData.Image(name), new ImageLimits())).ToArray();
        var alone = new float[tensors.Length][];
        for (var i = 0; i < tensors.Length; i++)
        {
            alone[i] = await InferBinaryAsync(output, [tensors[i]], chunked: false);
        }

        // Request r carries 1 to 3 of the tensors, starting at a different one; every other request is sent chunked
        // (no Content-Length).
        var requests = Enumerable.Range(0, 24).Select(r => Enumerable.Range(0, 1 + (r % 3)).Select(k => (r + k) % tensors.Length).ToArray()).ToArray();
        var answers = await Task.WhenAll(requests.Select((rows, r) => InferBinaryAsync(output, [.. rows.Select(i => tensors[i])], chunked: r % 2 == 1)));

        for (var r = 0; r < requests.Length; r++)
        {
            float[] expected = [.. requests[r].SelectMany(i => alone[i])];
            Assert.Equal(expected.Length, answers[r].Length);
            Assert.All(expected.Zip(answers[r]), pair => Assert.Equal(pair.First, pair.Second, 1e-4f));
        }

        Assert.NotEqual(alone[0], alone[1]); // the tensors' answers tell them apart
    }

    /// <summary>Text-direction's raw output (named <paramref name="output"/>) for <paramref name="rows"/>, sent and answered as binary tensor data.</summary>
    private async Task<float[]> InferBinaryAsync(string output, float[][] rows, bool chunked)
    {
        byte[] binary = [.. rows.SelectMany(row => MemoryMarshal.AsBytes(row.AsSpan()).ToArray())];
        var header = JsonSerializer.SerializeToUtf8Bytes(new
        {
            inputs = new[] { new { name = "x", shape = new[] { rows.Length, 3, 48, 192 }, datatype = "FP32", parameters = new { binary_data_size = binary.Length } } },
            outputs = new[] { new { name = output, parameters = new { binary_data = true } } },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "v2/models/text-direction/infer")
        {
            Content = new ByteArrayContent([.. header, .. binary]),
        };
        request.Content.Headers.Add("Inference-Header-Content-Length", header.Length.ToString());
        request.Headers.TransferEncodingChunked = chunked;

        var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        var jsonLength = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single());
        return MemoryMarshal.Cast<byte, float>(body.AsSpan(jsonLength)).ToArray();
    }

    [Fact]
    public async Task The_text_detector_answers_with_its_raw_probability_map()
    {
        var metadata = await Http.GetFromJsonAsync<JsonElement>("v2/models/text-detection");
        var (input, output) = (metadata.GetProperty("inputs")[0].GetProperty("name").GetString(), metadata.GetProperty("outputs")[0]);
        Assert.Equal([-1L, 1, 480, 640], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));

        var response = await Http.PostAsJsonAsync("v2/models/text-detection/infer", new
        {
            inputs = new[] { new { name = input, shape = new[] { 1 }, datatype = "BYTES", data = new[] { Convert.ToBase64String(TestData.Image("board.jpg")) } } },
            outputs = new[] { new { name = output.GetProperty("name").GetString(), parameters = new { binary_data = true } } },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        var jsonLength = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single());
        var shape = JsonDocument.Parse(body.AsMemory(0, jsonLength)).RootElement.GetProperty("outputs")[0].GetProperty("shape");
        Assert.Equal([1L, 1, 480, 640], shape.EnumerateArray().Select(d => d.GetInt64()));
        var map = Enumerable.Range(0, 480 * 640).Select(i => BinaryPrimitives.ReadSingleLittleEndian(body.AsSpan(jsonLength + (i * 4)))).ToArray();
        Assert.All(map, p => Assert.InRange(p, 0f, 1f));
        Assert.Contains(map, p => p > 0.9f); // the board's printing
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { """{"inputs":[{"name":"x","shape":[1,3,48,100],"datatype":"FP32","data":[0]}]}""", "does not fit" },
        { """{"inputs":[{"name":"x","shape":[1,3,48,192],"datatype":"FP32","data":[1,2,3]}]}""", "needs 27648" },
        { """{"inputs":[{"name":"y","shape":[1],"datatype":"BYTES","data":["AA=="]}]}""", "Unexpected input 'y'" },
        { """{"inputs":[{"name":"x","shape":[1],"datatype":"INT8","data":[1]}]}""", "not supported" },
        { """{"inputs":[{"name":"x","shape":[1],"datatype":"BYTES","data":["%%%"]}]}""", "base64" },
        { """{"inputs":[{"name":"x","shape":[1],"datatype":"BYTES","data":["aGVsbG8="]}]}""", "Not a supported image" },
        { """{"inputs":[]}""", "takes one input" },
        { """not json""", "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_requests_are_400_with_a_reason_and_the_next_one_succeeds(string request, string reason) =>
        await RefusedThenServedAsync(new StringContent(request, Encoding.UTF8, "application/json"), reason);

    /// <summary>Requests that a randomized run once saw answered 500 (an exception escaping the parser).</summary>
    public static TheoryData<string, string?, string> OnceServerErrors => new()
    {
        { """{"inputs":[{"name":"x","shape":["batch",3,48,192],"datatype":"FP32","data":[0]}]}""", null, "at $.inputs[0].shape[0]" },
        { """{"inputs":[null]}""", null, "inputs[0] is null" },
        { """{"inputs":[{"name":5,"shape":[1],"datatype":"BYTES","data":["AA=="]}]}""", null, "at $.inputs[0].name" },
        { """{"inputs":[{"name":"x","shape":[1],"datatype":["BYTES"],"data":["AA=="]}]}""", null, "at $.inputs[0].datatype" },
        { """{"inputs":[{"name":"x","shape":[1,null,48,192],"datatype":"FP32","data":[0]}]}""", null, "at $.inputs[0].shape[1]" },
        { """{"inputs":[{"name":"x","shape":[1,[3],48,192],"datatype":"FP32","data":[0]}]}""", null, "at $.inputs[0].shape[1]" },
        { """{"inputs":[{"name":"x","shape":[1],"datatype":"BYTES","data":["AA=="]}],"parameters":5}""", null, "at $.parameters" },
        { """{"inputs":[{"name":"x","shape":[1],"datatype":"BYTES","data":["AA=="],"parameters":"binary"}]}""", null, "at $.inputs[0].parameters" },
        { """{"inputs":[{"name":"x","shape":[1],"datatype":"BYTES","data":["AA=="]}],"outputs":[null]}""", null, "outputs[0] is null" },
        { """{"inputs":[{"name":"x","shape":[100000,3,48,192],"datatype":"FP32","data":[0]}]}""", null, "holds more than 2147483647 elements" },
        { """{"inputs":[{"name":"x","shape":[4294967297,3,48,192],"datatype":"FP32","data":[0]}]}""", null, "holds more than" },
        { """{"inputs":[{"name":"x","shape":[1],"datatype":"BYTES","parameters":{"binary_data_size":2147483648}}]}""", "SELF", "binary_data_size is 2147483648" },
        { """{"inputs":[{"name":"x","shape":[1],"datatype":"BYTES","parameters":{"binary_data_size":-4}}]}""", "SELF", "must not be negative" },
        { """{"inputs":[{"name":"x","shape":[1],"datatype":"BYTES","parameters":{"binary_data_size":4.5}}]}""", "SELF", "at $.inputs[0].parameters.binary_data_size" },
        { """{"inputs":[{"name":"x","shape":[1],"datatype":"BYTES","parameters":{"binary_data_size":0}}]}""", "abc", "must be a whole number of bytes (is 'abc')" },
        { """{"inputs":[{"name":"x","shape":[1],"datatype":"BYTES","parameters":{"binary_data_size":0}}]}""", "-1", "must be a whole number of bytes" },
        { """{"inputs":[{"name":"x","shape":[1],"datatype":"BYTES","parameters":{"binary_data_size":0}}]}""", "100000", "the body has" },
    };

    [Theory]
    [MemberData(nameof(OnceServerErrors))]
    public async Task Requests_that_once_answered_500_are_400_with_a_reason(string request, string? header, string reason)
    {
        var content = new StringContent(request, Encoding.UTF8, "application/json");
        if (header is not null)
        {
            content.Headers.Add("Inference-Header-Content-Length", header == "SELF" ? Encoding.UTF8.GetByteCount(request).ToString() : header);
        }

        await RefusedThenServedAsync(content, reason);
    }

    [Fact]
    public async Task Invalid_UTF8_is_400_with_a_reason() =>
        await RefusedThenServedAsync(new ByteArrayContent([.. """{"id":" """u8, 0xff, 0xc0, 0x80, .. "\"}"u8]), "not valid UTF-8");

    [Fact]
    public async Task An_output_of_NaN_or_infinities_is_answered_in_valid_JSON()
    {
        // FP32's extremes overflow the model's first convolution: infinities of both signs meet, and NaN comes out.
        var extremes = Enumerable.Range(0, 3 * 48 * 192).Select(i => i % 2 == 0 ? float.MaxValue : -float.MaxValue).ToArray();

        var response = await Http.PostAsJsonAsync("v2/models/text-direction/infer", new
        {
            inputs = new[] { new { name = "x", shape = new[] { 1, 3, 48, 192 }, datatype = "FP32", data = extremes } },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("outputs")[0].GetProperty("data");
        Assert.Contains(data.EnumerateArray(), v => v.ValueKind == JsonValueKind.String && v.GetString() is "NaN" or "Infinity" or "-Infinity");
    }

    /// <summary>Sends <paramref name="content"/>, expects 400 naming <paramref name="reason"/>, then a good request answered 200.</summary>
    private async Task RefusedThenServedAsync(HttpContent content, string reason)
    {
        var response = await Http.PostAsync("v2/models/text-direction/infer", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        var (status, _) = await InferAsync("text-direction", new
        {
            inputs = new[] { new { name = "x", shape = new[] { 1 }, datatype = "BYTES", data = new[] { Convert.ToBase64String(TestData.Image("imageTextN.png")) } } },
        });
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
