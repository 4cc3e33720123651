using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Argus.Grains.Devices;

/// <summary>
/// Places a grain keyed <c>{silo}/{name}</c> on the silo its key names, and nowhere else: a device grain, and a batch
/// job's worker on that silo.
/// </summary>
[GenerateSerializer, Immutable, Alias("Argus.Grains.Devices.DevicePlacement")]
public sealed class DevicePlacement : PlacementStrategy
{
    internal static readonly DevicePlacement Instance = new();

    /// <summary>The silo a key names: its part before the first '/' (a silo's name has none).</summary>
    /// <exception cref="FormatException">The key has no silo part.</exception>
    internal static string SiloOf(string key)
    {
        var slash = key.IndexOf('/');
        return slash > 0 && slash < key.Length - 1
            ? key[..slash]
            : throw new FormatException($"Key '{key}' is not of the form '{{silo}}/{{name}}'.");
    }
}

/// <summary>Marks a grain class as placed by <see cref="DevicePlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class DevicePlacementAttribute() : PlacementAttribute(DevicePlacement.Instance);

/// <summary>
/// Finds the active silo whose name is the key's silo part. A device belongs to its silo's hardware: activating it
/// anywhere else would be wrong, so a key naming an absent silo fails instead of landing elsewhere.
/// </summary>
internal sealed class DevicePlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString()!;
        var silo = DevicePlacement.SiloOf(key);
        var compatible = context.GetCompatibleSilos(target);
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Active && member.Name == silo && compatible.Contains(member.SiloAddress))
            {
                return Task.FromResult(member.SiloAddress);
            }
        }

        throw new OrleansException($"'{key}' names silo '{silo}', which is not an active member of the cluster.");
    }
}
