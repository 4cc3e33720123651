using Argus.Devices;
using Argus.Errors;
using Argus.Grains.Devices;
using Argus.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Argus.Grains.Tests.Devices;

/// <summary>The door of a silo of the two-silo test cluster, as the HTTP API, cameras and jobs use it.</summary>
public sealed class InferenceDoorTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static InferenceRequest Request(string model, params byte[][] images) =>
        new(model, [.. images.Select(InferenceInput.FromImage)], Lane.Interactive, DateTime.UtcNow.AddSeconds(30));

    private async Task<InferenceDoor> ReadyDoor(SiloHandle silo)
    {
        var door = ((InProcessSiloHandle)silo).SiloHost.Services.GetRequiredService<InferenceDoor>();
        await Eventually.HoldsAsync(() => Task.FromResult(door.IsReady), TimeSpan.FromSeconds(60), $"{silo.Name} to load its models");
        return door;
    }

    [Fact]
    public async Task The_catalog_is_in_contract_types_and_a_version_must_match()
    {
        var door = await ReadyDoor(fixture.Cluster.Primary!);

        var model = Assert.Single(door.Models);
        Assert.Equal("text-direction", model.Name);
        Assert.Equal([-1, 3, 48, 192], model.Input.Shape);
        Assert.Equal(3 * 48 * 192, model.Input.ItemLength);
        Assert.Equal(model, door.FindModel("TEXT-DIRECTION"));
        Assert.Equal(model, door.FindModel("text-direction", model.Version));
        Assert.Null(door.FindModel("text-direction", model.Version + "-other"));
        Assert.Null(door.FindModel("nope"));
    }

    [Fact]
    public async Task A_request_is_answered_by_a_device_and_an_unknown_model_is_refused_before_any_call()
    {
        var door = await ReadyDoor(fixture.Cluster.Primary!);

        var response = await door.InferAsync(Request("text-direction", TestData.Image("imageTextN.png")), routeKey: null, CancellationToken.None);

        Assert.Contains(DeviceKey.Parse(response.Device).Silo, fixture.Cluster.Silos.Select(s => s.Name));
        Assert.Equal(["0", "180"], response.Items.Single().Classes!.Select(c => c.Label).Order());
        await Assert.ThrowsAsync<UnknownModelException>(
            () => door.InferAsync(Request("nope", TestData.Image("imageTextN.png")), routeKey: null, CancellationToken.None));
    }

    [Fact]
    public async Task A_pinned_call_runs_on_the_device_named_and_the_local_devices_are_listed()
    {
        var door = await ReadyDoor(fixture.Cluster.Primary!);
        var device = Assert.Single(door.LocalDevices("text-direction"));
        Assert.Equal(fixture.Cluster.Primary!.Name, device.Silo);
        Assert.Empty(door.LocalDevices("nope"));

        var response = await door.InferOnAsync(device, Request("text-direction", TestData.Image("imageTextR.png")), CancellationToken.None);

        Assert.Equal(device.ToString(), response.Device);
    }

    [Fact]
    public async Task Every_device_of_the_cluster_is_listed_from_either_silo()
    {
        foreach (var silo in fixture.Cluster.Silos)
        {
            var door = await ReadyDoor(silo);
            await Eventually.HoldsAsync(
                async () => (await door.GetDevicesAsync(CancellationToken.None)).Select(d => DeviceKey.Parse(d.Key).Silo).Distinct().Count() == 2,
                TimeSpan.FromSeconds(30), $"{silo.Name}'s door to list the devices of both silos");
            Assert.All(await door.GetDevicesAsync(CancellationToken.None), d => Assert.True(d.Ready));
        }
    }
}
