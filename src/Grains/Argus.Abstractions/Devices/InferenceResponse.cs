using Argus.Errors;

namespace Argus.Devices;

/// <summary>One class of a classification result.</summary>
[GenerateSerializer, Immutable, Alias("Argus.Devices.ClassScore")]
public sealed record ClassScore([property: Id(0)] int Index, [property: Id(1)] string Label, [property: Id(2)] float Score);

/// <summary>A point of an image, in pixels from its top-left corner.</summary>
[GenerateSerializer, Immutable, Alias("Argus.Devices.ImagePoint")]
public readonly record struct ImagePoint([property: Id(0)] float X, [property: Id(1)] float Y);

/// <summary>
/// One region a detector found (task <c>detection</c>), in the pixels of the image as decoded (EXIF orientation
/// applied), or of the input tensor where the caller sent a tensor.
/// </summary>
/// <param name="Score">The detector's confidence, 0 to 1.</param>
/// <param name="X">The axis-aligned box's left edge.</param>
/// <param name="Y">The box's top edge.</param>
/// <param name="Width">The box's width.</param>
/// <param name="Height">The box's height.</param>
/// <param name="Polygon">The region's outline: for text, the four corners of its rotated rectangle, clockwise from the top-left.</param>
[GenerateSerializer, Immutable, Alias("Argus.Devices.Detection")]
public sealed record Detection(
    [property: Id(0)] float Score,
    [property: Id(1)] float X,
    [property: Id(2)] float Y,
    [property: Id(3)] float Width,
    [property: Id(4)] float Height,
    [property: Id(5)] IReadOnlyList<ImagePoint> Polygon);

/// <summary>The answer for one item of a request: a result or an error, never both.</summary>
[GenerateSerializer, Immutable, Alias("Argus.Devices.ItemResult")]
public sealed record ItemResult
{
    /// <summary>Why this item failed; null when it succeeded.</summary>
    [Id(0)] public InferenceError? Error { get; init; }

    /// <summary>The L2-normalised embedding (task <c>embedding</c>).</summary>
    [Id(1)] public float[]? Embedding { get; init; }

    /// <summary>The top-k classes, best first (task <c>classification</c>).</summary>
    [Id(2)] public IReadOnlyList<ClassScore>? Classes { get; init; }

    /// <summary>The model's output for this item, unchanged (when <see cref="OutputKind.Raw"/> was asked for).</summary>
    [Id(3)] public float[]? Raw { get; init; }

    /// <summary>Time the item waited in the device's queue.</summary>
    [Id(4)] public double QueueMs { get; init; }

    /// <summary>Time the batch that carried this item took to run.</summary>
    [Id(5)] public double ComputeMs { get; init; }

    /// <summary>How many items that batch carried.</summary>
    [Id(6)] public int BatchSize { get; init; }

    /// <summary>Time the device spent decoding and preprocessing that batch's images before running it (zero when they were preprocessed before queueing).</summary>
    [Id(7)] public double PreprocessMs { get; init; }

    /// <summary>The regions found, top to bottom (task <c>detection</c>); empty when there are none.</summary>
    [Id(8)] public IReadOnlyList<Detection>? Detections { get; init; }

    /// <summary>A failed item.</summary>
    public static ItemResult Failed(InferenceError error) => new() { Error = error };
}

/// <summary>The answer to an <see cref="InferenceRequest"/>: one <see cref="ItemResult"/> per input, in input order.</summary>
/// <param name="Model">The model that answered.</param>
/// <param name="Version">Its version.</param>
/// <param name="Device">The device's key, <c>{silo}/{device}</c>.</param>
/// <param name="DeviceKind"><c>cpu</c>, <c>cuda</c>, or <c>sim</c> where a simulated device answered (no model ran).</param>
/// <param name="Items">One result per input.</param>
[GenerateSerializer, Immutable, Alias("Argus.Devices.InferenceResponse")]
public sealed record InferenceResponse(
    [property: Id(0)] string Model,
    [property: Id(1)] string Version,
    [property: Id(2)] string Device,
    [property: Id(4)] string DeviceKind,
    [property: Id(3)] IReadOnlyList<ItemResult> Items);
