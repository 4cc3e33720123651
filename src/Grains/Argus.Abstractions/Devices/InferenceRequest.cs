namespace Argus.Devices;

/// <summary>What a caller wants back for each item.</summary>
public enum OutputKind
{
    /// <summary>The model's task applied: an L2-normalised embedding or top-k classes.</summary>
    Postprocessed = 0,

    /// <summary>The model's own output tensor, unchanged (the Open Inference Protocol answers with this).</summary>
    Raw = 1,
}

/// <summary>
/// One item to infer: an encoded image (JPEG, PNG, BMP, WebP) or a ready tensor in the model's input layout. It crosses
/// grain calls by <see cref="InferenceInputCodec"/>, which sends the tensor as one block.
/// </summary>
[Immutable, Alias("Argus.Devices.InferenceInput")]
public sealed record InferenceInput
{
    /// <summary>Encoded image bytes; preprocessed on the device's silo.</summary>
    public byte[]? Image { get; init; }

    /// <summary>One item's tensor (no batch dimension), row-major, in the model's input shape.</summary>
    public float[]? Tensor { get; init; }

    /// <summary>An input holding an encoded image.</summary>
    public static InferenceInput FromImage(byte[] image) => new() { Image = image };

    /// <summary>An input holding one item's tensor.</summary>
    public static InferenceInput FromTensor(float[] tensor) => new() { Tensor = tensor };
}

/// <summary>A request to run items through one model on one device.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Inputs">The items; each is batched and answered on its own.</param>
/// <param name="Lane">The priority lane.</param>
/// <param name="Deadline">When the answer is no longer useful; items that cannot make it are rejected before they run.</param>
/// <param name="Output">Postprocessed results or the raw output tensor.</param>
/// <param name="Version">
/// The model version to run; null for the device's default version. The door and the SDK set it from the caller's
/// choice or the model's rollout before the request reaches a device.
/// </param>
/// <param name="Tenant">
/// Whom the call is made for (the caller's API key's tenant, the SDK's configured tenant, a camera's or job's owner);
/// null for callers without one. A device shares a busy lane among tenants by their weights (<c>Argus:Tenants</c>).
/// </param>
[GenerateSerializer, Immutable, Alias("Argus.Devices.InferenceRequest")]
public sealed record InferenceRequest(
    [property: Id(0)] string Model,
    [property: Id(1)] IReadOnlyList<InferenceInput> Inputs,
    [property: Id(2)] Lane Lane,
    [property: Id(3)] DateTime Deadline,
    [property: Id(4)] OutputKind Output = OutputKind.Postprocessed,
    [property: Id(5)] string? Version = null,
    [property: Id(6)] string? Tenant = null);
