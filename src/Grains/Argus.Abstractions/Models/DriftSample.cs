namespace Argus.Models;

/// <summary>What a drift sample holds: which part of a model's answer it was taken from.</summary>
public enum DriftOutput
{
    /// <summary>An embedding model's L2-normalised vector.</summary>
    Embedding = 0,

    /// <summary>The model's own output tensor, as the Open Inference Protocol asks for it.</summary>
    Raw = 1,

    /// <summary>A classifier's top-1 class index.</summary>
    Class = 2,

    /// <summary>How many regions a detector found.</summary>
    Count = 3,
}

/// <summary>
/// One answered item's model output, sampled for the drift checks of its model version: a vector
/// (<see cref="DriftOutput.Embedding"/>, <see cref="DriftOutput.Raw"/>) or a value (<see cref="DriftOutput.Class"/>,
/// <see cref="DriftOutput.Count"/>).
/// </summary>
/// <param name="Output">Which part of the answer it holds.</param>
/// <param name="Vector">The vector, for vector outputs; null otherwise.</param>
/// <param name="Value">The class index or region count, for value outputs; 0 otherwise.</param>
[GenerateSerializer, Immutable, Alias("Argus.Models.DriftSample")]
public sealed record DriftSample(
    [property: Id(0)] DriftOutput Output,
    [property: Id(1)] float[]? Vector,
    [property: Id(2)] int Value);
