namespace Argus.Devices;

/// <summary>A model version a device has warm, as the routing table lists it.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Version">The version.</param>
/// <param name="ItemCostMs">Compute time per item, by the device's running estimate.</param>
/// <param name="IsDefault">
/// The version a call without a version and without a rollout gets: the model's first version in the silo's
/// configuration, or its first loaded one.
/// </param>
[GenerateSerializer, Immutable, Alias("Argus.Devices.ServedModel")]
public sealed record ServedModel(
    [property: Id(0)] string Name,
    [property: Id(1)] string Version,
    [property: Id(2)] double ItemCostMs,
    [property: Id(3)] bool IsDefault)
{
    /// <summary>Every entry for <paramref name="model"/> (any version) on <paramref name="devices"/>.</summary>
    public static IEnumerable<ServedModel> Of(IEnumerable<DeviceLoad> devices, string model) =>
        devices.SelectMany(d => d.Models).Where(m => string.Equals(m.Name, model, StringComparison.OrdinalIgnoreCase));
}
