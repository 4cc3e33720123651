using Argus.Devices;
using Argus.Errors;
using Argus.Testing;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Argus.Grains.Tests.Devices;

public sealed class DeviceGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IGrainFactory Grains => fixture.Cluster.GrainFactory;

    /// <summary>
    /// The first device <paramref name="silo"/> reports once its models are loaded (<c>cpu0</c> here, <c>cuda0</c> where
    /// CUDA loads), and its key.
    /// </summary>
    private async Task<(IDeviceGrain Device, string Key)> ReadyDevice(string silo)
    {
        var directory = Grains.GetGrain<IDeviceDirectoryGrain>(0);
        DeviceLoad? load = null;
        await Eventually.HoldsAsync(async () => (load = (await directory.GetDevicesAsync()).FirstOrDefault(d => d.Silo == silo)) is not null,
            TimeSpan.FromSeconds(60), $"{silo} to load its models and report a device");
        return (Grains.GetGrain<IDeviceGrain>(load!.Key), load.Key);
    }

    private static Immutable<InferenceRequest> Request(params byte[][] images) =>
        new InferenceRequest("text-direction", [.. images.Select(InferenceInput.FromImage)], Lane.Interactive, DateTime.UtcNow.AddSeconds(30)).AsImmutable();

    [Fact]
    public async Task Each_device_grain_runs_on_the_silo_its_key_names()
    {
        var management = Grains.GetGrain<IManagementGrain>(0);
        foreach (var silo in fixture.Cluster.Silos)
        {
            var (device, key) = await ReadyDevice(silo.Name);

            var response = await device.InferAsync(Request(TestData.Image("imageTextN.png")));

            Assert.Equal(key, response.Device);
            Assert.Equal(silo.SiloAddress, await management.GetActivationAddress(device));
            Assert.Equal(["0", "180"], response.Items.Single().Classes!.Select(c => c.Label).Order());
        }
    }

    [Fact]
    public async Task A_device_of_a_silo_that_is_not_in_the_cluster_is_never_activated_elsewhere()
    {
        var ghost = Grains.GetGrain<IDeviceGrain>("no-such-silo/cpu0");
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ghost.GetStatusAsync());
        Assert.Contains("not an active member", error.ToString());
    }

    [Theory]
    [InlineData("bomb", "50000×50000")] // refused from its header, before it queues
    [InlineData("corrupt", "could not be decoded")] // found only by decoding, on the device as its batch forms
    public async Task A_bad_image_fails_alone_and_its_request_mates_succeed(string kind, string reason)
    {
        var (device, _) = await ReadyDevice(fixture.Cluster.Primary!.Name);
        var bad = kind == "bomb" ? TestData.DecompressionBomb() : TestData.CorruptPng();

        var response = await device.InferAsync(Request(TestData.Image("imageTextN.png"), bad, TestData.Image("imageTextR.png")));

        Assert.Null(response.Items[0].Error);
        Assert.Equal(ErrorKind.BadInput, response.Items[1].Error?.Kind);
        Assert.Contains(reason, response.Items[1].Error!.Message);
        Assert.Null(response.Items[2].Error);
    }

    [Fact]
    public async Task An_unknown_model_is_a_typed_error()
    {
        var (device, _) = await ReadyDevice(fixture.Cluster.Primary!.Name);
        var request = new InferenceRequest("nope", [InferenceInput.FromImage(TestData.Image("apple.jpg"))], Lane.Realtime, DateTime.UtcNow.AddSeconds(5));

        var error = await Assert.ThrowsAsync<UnknownModelException>(() => device.InferAsync(request.AsImmutable()));
        Assert.Equal("nope", error.Model);
    }

    [Fact]
    public async Task Status_reports_the_device_its_models_and_its_work()
    {
        var (device, key) = await ReadyDevice(fixture.Cluster.Primary!.Name);
        await device.InferAsync(Request(TestData.Image("imageTextN.png")));

        var status = await device.GetStatusAsync();

        Assert.Equal(key, status.Key);
        Assert.Matches($@"/{status.Kind}\d+$", status.Key);
        Assert.EndsWith("ExecutionProvider", status.ExecutionProvider);
        Assert.False(string.IsNullOrEmpty(status.ProviderNote));
        Assert.Equal([-1L, 3, 48, 192], status.Models.Single().Input.Shape);
        Assert.True(status.ItemsRun >= 1);
        Assert.Equal(0, status.QueueDepth.Values.Sum());
    }
}
