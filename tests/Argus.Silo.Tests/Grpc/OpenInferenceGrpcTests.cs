using System.Buffers.Binary;
using System.Net.Http.Json;
using System.Text.Json;
using Argus.Silo.Grpc;
using Argus.Testing;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Inference;
using static Inference.GRPCInferenceService;

namespace Argus.Silo.Tests.Grpc;

/// <summary>
/// The Open Inference Protocol over gRPC against a real silo, with the client Grpc.Tools generates from protos/: every
/// RPC, tensors in contents and raw contents, images as BYTES, Triton's stream, and malformed requests.
/// </summary>
public sealed class OpenInferenceGrpcTests(SiloFixture fixture) : IClassFixture<SiloFixture>, IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{fixture.Silo!.GrpcPort}");

    private GRPCInferenceServiceClient Client => new(_channel);

    public void Dispose() => _channel.Dispose();

    private static ModelInferRequest Images(string model, string input, params byte[][] images)
    {
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input, Datatype = "BYTES", Shape = { images.Length }, Contents = new() };
        tensor.Contents.BytesContents.Add(images.Select(ByteString.CopyFrom));
        return new ModelInferRequest { ModelName = model, Inputs = { tensor } };
    }

    private static float[] Floats(ByteString raw) =>
        [.. Enumerable.Range(0, raw.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(raw.Span[(i * 4)..]))];

    private static byte[] Elements(params byte[][] elements) => [.. elements.SelectMany(e => BitConverter.GetBytes(e.Length).Concat(e))];

    [Fact]
    public async Task A_method_the_server_lacks_is_unimplemented()
    {
        var marshaller = Marshallers.Create<ServerLiveRequest>(m => m.ToByteArray(), ServerLiveRequest.Parser.ParseFrom);
        var unknown = new Method<ServerLiveRequest, ServerLiveRequest>(MethodType.Unary, "inference.GRPCInferenceService", "NoSuchMethod", marshaller, marshaller);

        var refused = await Assert.ThrowsAsync<RpcException>(() => _channel.CreateCallInvoker().AsyncUnaryCall(unknown, null, new CallOptions(), new ServerLiveRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, refused.StatusCode);
        Assert.True((await Client.ServerLiveAsync(new())).Live);
    }

    [Fact]
    public async Task Health_and_metadata_follow_the_protocol()
    {
        Assert.True((await Client.ServerLiveAsync(new())).Live);
        Assert.True((await Client.ServerReadyAsync(new())).Ready);
        Assert.True((await Client.ModelReadyAsync(new() { Name = "resnet18" })).Ready);
        Assert.True((await Client.ModelReadyAsync(new() { Name = "resnet18", Version = "1" })).Ready);

        var server = await Client.ServerMetadataAsync(new());
        Assert.Equal("argus", server.Name);
        Assert.Contains("binary_tensor_data", server.Extensions);

        var metadata = await Client.ModelMetadataAsync(new() { Name = "resnet18" });
        Assert.Equal("resnet18", metadata.Name);
        Assert.Contains("1", metadata.Versions);
        Assert.Equal("FP32", metadata.Inputs.Single().Datatype);
        Assert.Equal([-1L, 3, 224, 224], metadata.Inputs.Single().Shape);
        Assert.Equal([-1L, 512, 1, 1], metadata.Outputs.Single().Shape);
    }

    [Fact]
    public async Task Unknown_models_are_NotFound_with_HTTPs_message()
    {
        var ready = await Assert.ThrowsAsync<RpcException>(() => Client.ModelReadyAsync(new() { Name = "nope" }).ResponseAsync);
        var metadata = await Assert.ThrowsAsync<RpcException>(() => Client.ModelMetadataAsync(new() { Name = "resnet18", Version = "7" }).ResponseAsync);
        var infer = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(Images("nope", "x", [1])).ResponseAsync);

        Assert.Equal((StatusCode.NotFound, "Unknown model 'nope'."), (ready.StatusCode, ready.Status.Detail));
        Assert.Equal((StatusCode.NotFound, "Unknown model 'resnet18' version '7'."), (metadata.StatusCode, metadata.Status.Detail));
        Assert.Equal(StatusCode.NotFound, infer.StatusCode);
        using var http = await fixture.Http!.GetAsync("v2/models/nope");
        Assert.Equal(ready.Status.Detail, (await http.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_image_as_BYTES_gives_what_HTTP_gives_in_contents_or_raw_contents()
    {
        var image = TestData.Image("imageTextN.png");
        var inContents = await Client.ModelInferAsync(Images("text-direction", "x", image, image));
        var raw = new ModelInferRequest
        {
            ModelName = "text-direction",
            Id = "raw",
            Inputs = { new ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "BYTES", Shape = { 1, 1 } } },
            RawInputContents = { ByteString.CopyFrom(Elements(image)) },
        };
        var inRaw = await Client.ModelInferAsync(raw);
        using var http = await fixture.Http!.PostAsJsonAsync("v2/models/text-direction/infer", new
        {
            inputs = new[] { new { name = "x", shape = new[] { 1 }, datatype = "BYTES", data = new[] { Convert.ToBase64String(image) } } },
        });
        var expected = (await http.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray();

        var output = inContents.Outputs.Single();
        Assert.Equal(("text-direction", "FP32"), (inContents.ModelName, output.Datatype));
        Assert.Equal([2L, 2], output.Shape);
        Assert.Equal([.. expected, .. expected], Floats(inContents.RawOutputContents.Single()));
        Assert.Equal("raw", inRaw.Id);
        Assert.Equal(expected, Floats(inRaw.RawOutputContents.Single()));
        Assert.False(string.IsNullOrEmpty(inRaw.Parameters["device"].StringParam));
    }

    [Fact]
    public async Task FP32_tensors_in_contents_and_in_raw_contents_give_the_same_output()
    {
        var tensor = Enumerable.Range(0, 3 * 48 * 192).Select(i => (i % 255) / 127.5f - 1).ToArray();
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32", Shape = { 1, 3, 48, 192 } };
        var inContents = input.Clone();
        inContents.Contents = new() { Fp32Contents = { tensor } };

        var typed = await Client.ModelInferAsync(new ModelInferRequest { ModelName = "text-direction", Inputs = { inContents } });
        var raw = await Client.ModelInferAsync(new ModelInferRequest
        {
            ModelName = "text-direction",
            ModelVersion = "2.0",
            Inputs = { input },
            RawInputContents = { ByteString.CopyFrom([.. tensor.SelectMany(BitConverter.GetBytes)]) },
        });

        Assert.Equal("2.0", raw.ModelVersion);
        Assert.Equal(Floats(typed.RawOutputContents.Single()), Floats(raw.RawOutputContents.Single()));
        Assert.Equal(2, Floats(raw.RawOutputContents.Single()).Length);
    }

    [Fact]
    public async Task A_photo_as_BYTES_gives_a_ResNet18_embedding()
    {
        var metadata = await Client.ModelMetadataAsync(new() { Name = "resnet18" });

        var response = await Client.ModelInferAsync(Images("resnet18", metadata.Inputs.Single().Name, TestData.Image("apple.jpg")));

        Assert.Equal([1L, 512, 1, 1], response.Outputs.Single().Shape);
        Assert.Contains(Floats(response.RawOutputContents.Single()), v => v > 0);
    }

    public static TheoryData<string, string> MalformedRequests => new()
    {
        { """{"modelName":"text-direction","inputs":[{"name":"x","datatype":"FP32","shape":["1","3","48","100"],"contents":{"fp32Contents":[0]}}]}""", "does not fit" },
        { """{"modelName":"text-direction","inputs":[{"name":"x","datatype":"FP32","shape":["1","3","48","192"],"contents":{"fp32Contents":[1,2,3]}}]}""", "needs 27648" },
        { """{"modelName":"text-direction","inputs":[{"name":"y","datatype":"BYTES","shape":["1"],"contents":{"bytesContents":["AA=="]}}]}""", "Unexpected input 'y'" },
        { """{"modelName":"text-direction","inputs":[{"name":"x","datatype":"INT8","shape":["1"],"contents":{"intContents":[1]}}]}""", "not supported" },
        { """{"modelName":"text-direction","inputs":[{"name":"x","datatype":"FP32","shape":["1","3","48","192"],"contents":{"fp64Contents":[1]}}]}""", "FP32 values go in contents.fp32_contents; the request fills fp64_contents" },
        { """{"modelName":"text-direction","inputs":[{"name":"x","datatype":"BYTES","shape":["1"],"contents":{"bytesContents":["aGVsbG8="]}}]}""", "Not a supported image" },
        { """{"modelName":"text-direction","inputs":[{"name":"x","datatype":"BYTES","shape":["2"],"contents":{"bytesContents":["AA=="]}}]}""", "shape says 2" },
        { """{"modelName":"text-direction","inputs":[{"name":"x","datatype":"BYTES","shape":["1"]}]}""", "inputs[0] has neither contents nor raw_input_contents" },
        { """{"modelName":"text-direction","inputs":[{"name":"x","datatype":"BYTES","shape":["1"]}],"rawInputContents":["BQAAAA=="]}""", "Binary BYTES data is truncated" },
        { """{"modelName":"text-direction","inputs":[{"name":"x","datatype":"FP32","shape":["1","3","48","192"]}],"rawInputContents":["AAAAAA=="]}""", "Binary FP32 data has 4 bytes" },
        { """{"modelName":"text-direction","inputs":[{"name":"x","datatype":"BYTES","shape":["1"]}],"rawInputContents":["AA==","AA=="]}""", "raw_input_contents has 2 entries, but the request has 1 inputs" },
        { """{"modelName":"text-direction","inputs":[{"name":"x","datatype":"BYTES","shape":["1"],"contents":{}}],"rawInputContents":["AA=="]}""", "send one or the other" },
        { """{"modelName":"text-direction","inputs":[{"name":"x","datatype":"BYTES","shape":["-1"]}],"rawInputContents":[""]}""", "negative dimension" },
        { """{"modelName":"text-direction","inputs":[{"datatype":"BYTES","contents":{}}]}""", "inputs[0] needs a 'name'." },
        { """{"modelName":"text-direction","inputs":[{"name":"x","datatype":"BYTES","shape":["1"],"contents":{"bytesContents":["AA=="]}}],"outputs":[{"name":"z"}]}""", "Unknown output 'z'" },
        { """{"modelName":"text-direction"}""", "takes one input, 'x'; the request has 0" },
        { """{"inputs":[]}""", "needs a model_name" },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task Malformed_requests_are_InvalidArgument_with_a_reason_and_the_next_one_is_served(string request, string reason)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(ModelInferRequest.Parser.ParseJson(request)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains(reason, refused.Status.Detail);
        var served = await Client.ModelInferAsync(Images("text-direction", "x", TestData.Image("imageTextN.png")));
        Assert.Equal([1L, 2], served.Outputs.Single().Shape);
    }

    [Fact]
    public async Task Bytes_that_are_no_request_at_all_are_refused_and_the_next_one_is_served()
    {
        var garbage = new Method<byte[], byte[]>(MethodType.Unary, Descriptor.FullName, "ModelInfer", Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

        var refused = await Assert.ThrowsAsync<RpcException>(() => _channel.CreateCallInvoker().AsyncUnaryCall(garbage, null, new(), [0xff, 0xff, 0xff]).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith("The request is not a ModelInferRequest message", refused.Status.Detail);
        Assert.True((await Client.ServerLiveAsync(new())).Live);
    }

    [Fact]
    public async Task Tritons_stream_answers_each_request_a_failure_included_at_Tritons_path()
    {
        // What tritonclient calls: the RPC of Triton's own inference.GRPCInferenceService.
        var method = new Method<ModelInferRequest, ModelStreamInferResponse>(
            MethodType.DuplexStreaming, "inference.GRPCInferenceService", "ModelStreamInfer",
            Marshallers.Create(r => r.ToByteArray(), ModelInferRequest.Parser.ParseFrom),
            Marshallers.Create(r => r.ToByteArray(), ModelStreamInferResponse.Parser.ParseFrom));
        Assert.Equal(TritonStreamMethods.ModelStreamInfer.FullName, method.FullName);
        var frames = new[] { "imageTextN.png", "imageTextR.png", "apple.jpg" }.Select(TestData.Image).ToArray();

        using var stream = _channel.CreateCallInvoker().AsyncDuplexStreamingCall(method, null, new());
        for (var i = 0; i < frames.Length; i++)
        {
            var request = Images("text-direction", "x", frames[i]);
            request.Id = $"frame-{i}";
            await stream.RequestStream.WriteAsync(request);
        }

        var bad = Images("text-direction", "y", frames[0]);
        bad.Id = "bad";
        await stream.RequestStream.WriteAsync(bad);
        await stream.RequestStream.CompleteAsync();
        var answers = new Dictionary<string, ModelStreamInferResponse>();
        await foreach (var answer in stream.ResponseStream.ReadAllAsync())
        {
            answers.Add(answer.InferResponse.Id, answer);
        }

        Assert.Equal(["bad", "frame-0", "frame-1", "frame-2"], answers.Keys.Order());
        Assert.Contains("Unexpected input 'y'", answers["bad"].ErrorMessage);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal("", answers[$"frame-{i}"].ErrorMessage));
        var single = await Client.ModelInferAsync(Images("text-direction", "x", frames[1]));
        Assert.Equal(Floats(single.RawOutputContents.Single()), Floats(answers["frame-1"].InferResponse.RawOutputContents.Single()));
    }
}
