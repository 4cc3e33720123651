using Argus.Devices;
using Argus.Testing;

namespace Argus.Grains.Tests.Devices;

public sealed class DeviceDirectoryGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Every_silo_reports_its_devices_with_their_models_and_load()
    {
        var directory = fixture.Cluster.GrainFactory.GetGrain<IDeviceDirectoryGrain>(0);
        var silos = fixture.Cluster.Silos.Select(s => s.Name).Order().ToArray();

        // Each silo serves what it found (cpu0 here, a device per CUDA device where CUDA loads).
        await Eventually.HoldsAsync(async () => (await directory.GetDevicesAsync()).Select(d => d.Silo).Distinct().Order().SequenceEqual(silos),
            TimeSpan.FromSeconds(30), "both silos' devices in the directory");

        var devices = await directory.GetDevicesAsync();
        Assert.All(devices, d => Assert.StartsWith($"{d.Silo}/", d.Key));
        Assert.All(devices, d => Assert.Equal(["text-direction"], d.Models.Select(m => m.Name)));
        Assert.All(devices, d => Assert.True(d.ExpectedWaitMs >= 0 && d.QueueDepth >= 0));
    }

    [Fact]
    public async Task A_device_that_stops_reporting_drops_out()
    {
        var directory = fixture.Cluster.GrainFactory.GetGrain<IDeviceDirectoryGrain>(0);
        await directory.ReportAsync(new DeviceLoad($"{fixture.Cluster.Primary!.Name}/ghost0", fixture.Cluster.Primary.Name, [new ServedModel("text-direction", "2.0", 1, IsDefault: true)], 0, 0));
        await Eventually.HoldsAsync(async () => (await directory.GetDevicesAsync()).Any(d => d.Key.EndsWith("/ghost0")),
            TimeSpan.FromSeconds(10), "the report to arrive");

        await Eventually.HoldsAsync(async () => !(await directory.GetDevicesAsync()).Any(d => d.Key.EndsWith("/ghost0")),
            TimeSpan.FromSeconds(30), "the silent device to drop out");
    }

    [Fact]
    public async Task A_device_of_a_silo_that_is_not_active_is_not_listed()
    {
        var directory = fixture.Cluster.GrainFactory.GetGrain<IDeviceDirectoryGrain>(0);
        await directory.ReportAsync(new DeviceLoad("gone-silo/cpu0", "gone-silo", [new ServedModel("text-direction", "2.0", 1, IsDefault: true)], 0, 0));
        await Eventually.HoldsAsync(async () => (await directory.GetDevicesAsync()).Count >= 1, TimeSpan.FromSeconds(30), "any device");

        Assert.DoesNotContain(await directory.GetDevicesAsync(), d => d.Silo == "gone-silo");
    }
}
