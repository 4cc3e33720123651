using Argus.Grains.Devices;
using Argus.Models;

namespace Argus.Silo.Http.OpenInference;

/// <summary>The server's metadata in the protocol, the same over HTTP (<c>GET /v2</c>) and gRPC (<c>ServerMetadata</c>).</summary>
internal sealed record ServerMetadata(string Name, string? Version, IReadOnlyList<string> Extensions)
{
    /// <summary>Argus' own.</summary>
    public static ServerMetadata Argus { get; } = new("argus", typeof(ServerMetadata).Assembly.GetName().Version?.ToString(), ["binary_tensor_data"]);
}

/// <summary>A tensor of a model's metadata; a variable dimension is -1.</summary>
internal sealed record TensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape);

/// <summary>A model's metadata in the protocol, the same over HTTP (<c>GET /v2/models/{model}</c>) and gRPC (<c>ModelMetadata</c>).</summary>
internal sealed record ModelMetadata(
    string Name, IReadOnlyList<string> Versions, string Platform, IReadOnlyList<TensorMetadata> Inputs, IReadOnlyList<TensorMetadata> Outputs)
{
    /// <summary>
    /// The metadata of <paramref name="model"/>: the versions the door serves, or only its own when the caller named
    /// <paramref name="version"/>. Argus takes and gives FP32 tensors (and BYTES images, which the shape does not say).
    /// </summary>
    public static ModelMetadata Of(InferenceDoor door, ModelInfo model, string? version) => new(
        model.Name,
        version is null ? door.VersionsOf(model.Name) : [model.Version],
        "onnxruntime_onnx",
        [new TensorMetadata(model.Input.Name, TensorData.Fp32, model.Input.Shape)],
        [new TensorMetadata(model.Output.Name, TensorData.Fp32, model.Output.Shape)]);
}
