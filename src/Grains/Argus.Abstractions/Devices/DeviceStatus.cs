using Argus.Models;

namespace Argus.Devices;

/// <summary>What a device is, what it runs and how busy it is.</summary>
/// <param name="Key">The device's key, <c>{silo}/{device}</c>.</param>
/// <param name="Kind"><c>cpu</c> or <c>cuda</c>.</param>
/// <param name="ExecutionProvider">The ONNX Runtime execution provider in use.</param>
/// <param name="ProviderNote">Why this provider was chosen (e.g. why CUDA could not be used).</param>
/// <param name="Ready">True once every model is loaded and warm.</param>
/// <param name="Models">The loaded models.</param>
/// <param name="QueueDepth">Items waiting, per lane.</param>
/// <param name="BatchesRun">Batches run since start.</param>
/// <param name="ItemsRun">Items run since start.</param>
/// <param name="BusyFraction">Share of wall time spent running batches since start.</param>
[GenerateSerializer, Immutable, Alias("Argus.Devices.DeviceStatus")]
public sealed record DeviceStatus(
    [property: Id(0)] string Key,
    [property: Id(1)] string Kind,
    [property: Id(2)] string ExecutionProvider,
    [property: Id(3)] string ProviderNote,
    [property: Id(4)] bool Ready,
    [property: Id(5)] IReadOnlyList<ModelInfo> Models,
    [property: Id(6)] IReadOnlyDictionary<Lane, int> QueueDepth,
    [property: Id(7)] long BatchesRun,
    [property: Id(8)] long ItemsRun,
    [property: Id(9)] double BusyFraction)
{
    /// <summary>Items per batch on average since start.</summary>
    public double AverageBatchSize => BatchesRun == 0 ? 0 : (double)ItemsRun / BatchesRun;
}
