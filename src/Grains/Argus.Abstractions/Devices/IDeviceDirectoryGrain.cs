using Orleans.Concurrency;

namespace Argus.Devices;

/// <summary>
/// The cluster's routing table: every device reports its load to it, callers read it. Key 0. Devices of silos that
/// left the cluster, or that stopped reporting, drop out.
/// </summary>
[Alias("Argus.Devices.IDeviceDirectoryGrain")]
public interface IDeviceDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Records a device's current load.</summary>
    [OneWay]
    [Alias("Report")]
    Task ReportAsync(DeviceLoad load);

    /// <summary>The devices of active silos that reported recently.</summary>
    [Alias("GetDevices")]
    Task<IReadOnlyList<DeviceLoad>> GetDevicesAsync();
}
