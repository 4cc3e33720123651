using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using Argus.Devices;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Inference;
using static Inference.GRPCInferenceService;

namespace Argus.LoadTesting.Targets;

/// <summary>
/// A silo's Open Inference Protocol over gRPC (KServe v2 <c>ModelInfer</c>, a client Grpc.Tools generates from
/// protos/grpc_predict_v2.proto): the images as one <c>BYTES</c> input in <c>raw_input_contents</c>, the model's output
/// read from <c>raw_output_contents</c>. <c>RESOURCE_EXHAUSTED</c> is a refusal for load; any other status throws.
/// The protocol reports no queue or batch run times per item: those answer <see cref="double.NaN"/>.
/// </summary>
public sealed class GrpcTarget : ILoadTarget
{
    /// <summary>The protocol's datatype of encoded images: each element its 4-byte little-endian length, then its bytes.</summary>
    internal const string Bytes = "BYTES";

    private readonly GrpcChannel _channel;
    private readonly GRPCInferenceServiceClient _client;
    private readonly Uri _address;
    private readonly string _model;
    private readonly Lazy<Task<string>> _input;
    private readonly ConcurrentDictionary<string, string> _answered = new(StringComparer.Ordinal);

    /// <summary>Creates the target with a channel of its own, which lives as long as it does.</summary>
    /// <param name="address">The silo's gRPC address (<c>Argus:Grpc:Port</c>), e.g. <c>http://127.0.0.1:8081</c>.</param>
    /// <param name="model">The model to load.</param>
    public GrpcTarget(Uri address, string model)
    {
        // Several HTTP/2 connections, so many callers are not queued behind one connection's stream limit.
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionLifetime = Timeout.InfiniteTimeSpan },
        });
        _client = new GRPCInferenceServiceClient(_channel);
        _address = address;
        _model = model;
        _input = new Lazy<Task<string>>(ReadInputNameAsync);
    }

    /// <inheritdoc />
    public string Description => $"grpc {_address} {_model}";

    /// <inheritdoc />
    public bool RunsInProcess => false;

    /// <inheritdoc />
    public async Task<TargetAnswer> SendAsync(IReadOnlyList<byte[]> images, CancellationToken cancellationToken)
    {
        var input = await _input.Value.WaitAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(RawLength(images));
        try
        {
            var response = await _client.ModelInferAsync(Request(_model, input, images, buffer), cancellationToken: cancellationToken);
            var answer = Answer(response, images.Count);
            _answered.TryAdd(answer.Device, response.Parameters.TryGetValue("device_kind", out var kind) ? kind.StringParam : "");
            return answer;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
        {
            return TargetAnswer.Rejected(images.Count, e.Status.Detail);
        }
        finally
        {
            // The request is serialized before the call completes, so the buffer is no longer read here.
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The devices that have answered so far: the protocol lists none, and names only the answering one.</summary>
    public Task<IReadOnlyList<DeviceInfo>> GetDevicesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeviceInfo>>([.. _answered.Select(d => new DeviceInfo(d.Key, d.Value, ""))]);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _channel.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Bytes <paramref name="images"/> take as one <c>BYTES</c> tensor's raw contents.</summary>
    internal static int RawLength(IReadOnlyList<byte[]> images)
    {
        var length = 0;
        for (var i = 0; i < images.Count; i++)
        {
            length += sizeof(int) + images[i].Length;
        }

        return length;
    }

    /// <summary>
    /// The request for <paramref name="images"/>: one <c>BYTES</c> input of shape [n] named <paramref name="input"/>, its
    /// elements written into <paramref name="buffer"/> (at least <see cref="RawLength"/> long), which the request wraps.
    /// </summary>
    internal static ModelInferRequest Request(string model, string input, IReadOnlyList<byte[]> images, byte[] buffer)
    {
        var at = 0;
        for (var i = 0; i < images.Count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(at), images[i].Length);
            images[i].CopyTo(buffer, at + sizeof(int));
            at += sizeof(int) + images[i].Length;
        }

        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input, Datatype = Bytes, Shape = { images.Count } };
        return new ModelInferRequest
        {
            ModelName = model,
            Inputs = { tensor },
            RawInputContents = { UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, at)) },
        };
    }

    /// <summary>
    /// The answer of <paramref name="response"/> to <paramref name="images"/> images: each image's row of the one output
    /// tensor's little-endian floats as its raw output.
    /// </summary>
    /// <exception cref="InvalidDataException">The response does not hold one output of <paramref name="images"/> equal rows.</exception>
    internal static TargetAnswer Answer(ModelInferResponse response, int images)
    {
        if (response.RawOutputContents.Count != 1 || response.Outputs.Count != 1)
        {
            throw new InvalidDataException($"Expected one output in raw_output_contents, got {response.Outputs.Count} outputs and {response.RawOutputContents.Count} raw contents.");
        }

        var bytes = response.RawOutputContents[0].Span;
        if (images < 1 || bytes.Length == 0 || bytes.Length % (sizeof(float) * images) != 0)
        {
            throw new InvalidDataException($"raw_output_contents holds {bytes.Length} bytes, not {images} equal rows of FP32.");
        }

        var rowLength = bytes.Length / sizeof(float) / images;
        var items = new ItemResult[images];
        for (var i = 0; i < images; i++)
        {
            var row = new float[rowLength];
            var from = bytes.Slice(i * rowLength * sizeof(float), rowLength * sizeof(float));
            for (var j = 0; j < rowLength; j++)
            {
                row[j] = BinaryPrimitives.ReadSingleLittleEndian(from[(j * sizeof(float))..]);
            }

            items[i] = new ItemResult { Raw = row, QueueMs = double.NaN, ComputeMs = double.NaN, PreprocessMs = double.NaN };
        }

        var device = response.Parameters.TryGetValue("device", out var d) ? d.StringParam : "";
        return new TargetAnswer(device, items);
    }

    private async Task<string> ReadInputNameAsync()
    {
        var metadata = await _client.ModelMetadataAsync(new ModelMetadataRequest { Name = _model });
        return metadata.Inputs is [var input] ? input.Name : throw new InvalidOperationException($"Model '{_model}' has {metadata.Inputs.Count} inputs; the target sends one.");
    }
}
