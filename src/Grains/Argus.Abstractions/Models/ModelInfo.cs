namespace Argus.Models;

/// <summary>A tensor a model takes or gives: its name and shape, -1 for the batch dimension.</summary>
[GenerateSerializer, Immutable, Alias("Argus.Models.TensorInfo")]
public sealed record TensorInfo([property: Id(0)] string Name, [property: Id(1)] IReadOnlyList<long> Shape)
{
    /// <summary>Values per item: the product of the dimensions after the batch dimension.</summary>
    public int ItemLength => (int)Shape.Skip(1).Aggregate(1L, (a, d) => a * d);
}

/// <summary>A model as loaded on a device.</summary>
/// <param name="Name">The model's name in the API.</param>
/// <param name="Version">Its version.</param>
/// <param name="Task"><c>embedding</c>, <c>classification</c> or <c>detection</c>.</param>
/// <param name="Input">The input tensor (FP32, NCHW).</param>
/// <param name="Output">The output tensor (FP32).</param>
/// <param name="Labels">Class labels, for classification.</param>
/// <param name="MaxBatchSize">The largest batch the device forms for it.</param>
[GenerateSerializer, Immutable, Alias("Argus.Models.ModelInfo")]
public sealed record ModelInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] string Version,
    [property: Id(2)] string Task,
    [property: Id(3)] TensorInfo Input,
    [property: Id(4)] TensorInfo Output,
    [property: Id(5)] IReadOnlyList<string> Labels,
    [property: Id(6)] int MaxBatchSize);
