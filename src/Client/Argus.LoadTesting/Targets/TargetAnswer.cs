using Argus.Devices;
using Argus.Errors;

namespace Argus.LoadTesting.Targets;

/// <summary>What one request answered.</summary>
/// <param name="Device">The device that ran it, <c>{silo}/{device}</c>; empty when it was refused before reaching one.</param>
/// <param name="Items">One result per image, in request order.</param>
public sealed record TargetAnswer(string Device, IReadOnlyList<ItemResult> Items)
{
    /// <summary>A request refused as a whole for load: every image answered <see cref="ErrorKind.Overloaded"/>.</summary>
    public static TargetAnswer Rejected(int images, string reason) =>
        new("", [.. Enumerable.Repeat(ItemResult.Failed(new InferenceError(ErrorKind.Overloaded, reason)), images)]);
}

/// <summary>A device as reports name it.</summary>
/// <param name="Key">Its key, <c>{silo}/{device}</c>.</param>
/// <param name="Kind"><c>cpu</c>, <c>cuda</c>, or <see cref="SimulatedKind"/>.</param>
/// <param name="Provider">The ONNX Runtime execution provider (or what stands in for one).</param>
public sealed record DeviceInfo(string Key, string Kind, string Provider)
{
    /// <summary>The kind of a simulated device: its latencies come from a profile, not from running a model.</summary>
    public const string SimulatedKind = "sim";

    /// <summary>True for a simulated device.</summary>
    public bool IsSimulated => string.Equals(Kind, SimulatedKind, StringComparison.OrdinalIgnoreCase);
}
