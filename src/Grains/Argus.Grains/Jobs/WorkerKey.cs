using Argus.Grains.Devices;

namespace Argus.Grains.Jobs;

/// <summary>
/// The key of a job's worker on one silo, <c>{silo}/{job}</c>: <see cref="DevicePlacement"/> places it on the silo its
/// first part names, as it places a device.
/// </summary>
internal readonly record struct WorkerKey(string Silo, string Job)
{
    /// <summary>Parses <c>{silo}/{job}</c>.</summary>
    public static WorkerKey Parse(string key) => new(DevicePlacement.SiloOf(key), key[(key.IndexOf('/') + 1)..]);

    /// <inheritdoc />
    public override string ToString() => $"{Silo}/{Job}";
}
