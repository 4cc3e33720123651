using Argus.Devices;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Argus.Grains.Devices;

/// <summary>
/// The routing table. Kept in memory only: when it moves to another silo, the devices' next reports (every half
/// second) refill it. A device drops out when its silo is no longer active or it has not reported for
/// <see cref="StaleAfter"/>.
/// </summary>
[Reentrant]
internal sealed class DeviceDirectoryGrain(IClusterMembershipService membership, TimeProvider time) : Grain, IDeviceDirectoryGrain
{
    /// <summary>A device silent this long is taken out of the table.</summary>
    internal static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(3);

    private readonly Dictionary<string, (DeviceLoad Load, DateTimeOffset At)> _devices = [];

    public Task ReportAsync(DeviceLoad load)
    {
        _devices[load.Key] = (load, time.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DeviceLoad>> GetDevicesAsync()
    {
        var now = time.GetUtcNow();
        var active = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.Name)
            .ToHashSet();
        foreach (var (key, entry) in _devices.ToArray())
        {
            if (now - entry.At > StaleAfter || !active.Contains(entry.Load.Silo))
            {
                _devices.Remove(key);
            }
        }

        return Task.FromResult<IReadOnlyList<DeviceLoad>>([.. _devices.Values.Select(e => e.Load).OrderBy(d => d.Key, StringComparer.Ordinal)]);
    }
}
