namespace Argus.Silo.Http.OpenInference;

/// <summary>
/// One input tensor of an inference request, whichever transport carried it: the JSON of HTTP or the protobuf of gRPC.
/// Every field is optional so that a missing one becomes a problem in <see cref="InferRequestValidator"/>'s list.
/// </summary>
/// <param name="Name">The input's name.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Datatype">Its datatype, e.g. <c>FP32</c>.</param>
/// <param name="Data">Where its values are; null when the transport found none to take (and said so in the problems).</param>
internal sealed record TensorInput(string? Name, IReadOnlyList<long>? Shape, string? Datatype, TensorSource? Data);

/// <summary>Where an input tensor's values are, as the transport carried them.</summary>
internal abstract record TensorSource
{
    private TensorSource()
    {
    }

    /// <summary>HTTP's <c>data</c>: numbers or base64 strings, flat or nested in row-major order.</summary>
    public sealed record Json(JsonData Data) : TensorSource;

    /// <summary>
    /// Bytes in the tensor's own layout: FP32 as little-endian floats, BYTES as elements each after a 4-byte
    /// little-endian length. HTTP's binary tensor data extension and gRPC's <c>raw_input_contents</c>.
    /// </summary>
    public sealed record Raw(ReadOnlyMemory<byte> Bytes) : TensorSource;

    /// <summary>gRPC's <c>contents.fp32_contents</c>.</summary>
    public sealed record Floats(IReadOnlyList<float> Values) : TensorSource;

    /// <summary>gRPC's <c>contents.bytes_contents</c>: one encoded image per element.</summary>
    public sealed record Elements(IReadOnlyList<ReadOnlyMemory<byte>> Values) : TensorSource;
}
