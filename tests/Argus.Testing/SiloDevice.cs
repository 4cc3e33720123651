namespace Argus.Testing;

/// <summary>
/// A device as its silo reports it (<c>GET /v1/devices</c>). Which devices a silo serves depends on the machine (one per
/// CUDA device whose provider loads, else <c>cpu0</c>), so tests assert on these instead of naming one.
/// </summary>
/// <param name="Key">The device's key, <c>{silo}/{device}</c>.</param>
/// <param name="Kind"><c>cpu</c>, <c>cuda</c> or <c>sim</c>.</param>
/// <param name="ExecutionProvider">The ONNX Runtime execution provider, e.g. <c>CPUExecutionProvider</c>.</param>
public sealed record SiloDevice(string Key, string Kind, string ExecutionProvider)
{
    /// <summary>The device's name on its silo, e.g. <c>cpu0</c>.</summary>
    public string Name => Key[(Key.IndexOf('/') + 1)..];
}
