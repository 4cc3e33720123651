using Orleans.Runtime;

namespace Argus.Grains.Devices;

/// <summary>
/// Tells when another silo has left the cluster, from this silo's own view of the membership: the moment a call to a
/// device there can stop waiting for its answer and go to another device, without reading the routing table again.
/// </summary>
internal sealed class SiloWatch(IClusterMembershipService membership)
{
    /// <summary>Completes once no active member of the cluster is named <paramref name="silo"/>.</summary>
    public async Task WhenGoneAsync(string silo, CancellationToken cancellationToken)
    {
        if (!IsActive(membership.CurrentSnapshot, silo))
        {
            return;
        }

        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
        {
            if (!IsActive(snapshot, silo))
            {
                return;
            }
        }
    }

    private static bool IsActive(ClusterMembershipSnapshot snapshot, string silo) =>
        snapshot.Members.Values.Any(m => m.Name == silo && m.Status == SiloStatus.Active);
}
