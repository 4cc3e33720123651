using Argus.Devices;
using Argus.Testing;

namespace Argus.Client.Tests;

/// <summary>
/// A real silo with one simulated device that takes 100 ms a batch of up to 8, whatever its size (so a backlog is long
/// next to the decoding that feeds it), and two SDK clients of different tenants.
/// </summary>
public sealed class TenantSiloFixture : IAsyncLifetime
{
    private readonly string _profile = Path.Combine(Path.GetTempPath(), $"argus-tenants-{Guid.NewGuid():N}.json");

    public SiloProcess? Silo { get; private set; }

    public ClientHost? A { get; private set; }

    public ClientHost? B { get; private set; }

    public DeviceKey Device { get; private set; }

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_profile, """{"name": "flat-100ms", "jitter": 0, "latencyMs": {"1": 100, "8": 100}}""");
        Silo = await SiloProcess.StartAsync("tenants-0", new Dictionary<string, string>
        {
            ["Argus__Inference__Sim__Devices"] = "1",
            ["Argus__Inference__Sim__Profile"] = _profile,
            ["Argus__Inference__Models__0__Batching__QueueCapacity"] = "100",
        });
        Device = DeviceKey.Parse((await Silo.GetDevicesAsync())[0].Key);
        A = await ClientHost.StartAsync(o => (o.Gateways, o.Tenant) = ([$"127.0.0.1:{Silo.GatewayPort}"], "a"));
        B = await ClientHost.StartAsync(o => (o.Gateways, o.Tenant) = ([$"127.0.0.1:{Silo.GatewayPort}"], "b"));
    }

    public async Task DisposeAsync()
    {
        foreach (var host in new[] { A, B })
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }

        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        File.Delete(_profile);
    }
}

public sealed class TenantFairnessTests(TenantSiloFixture fixture) : IClassFixture<TenantSiloFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_tenant_keeps_its_share_of_a_device_that_another_tenant_floods()
    {
        var image = TestData.Image("apple.jpg");
        Task<InferenceResponse> Infer(ClientHost client) =>
            client.Client.InferAsync(fixture.Device, "resnet18", [InferenceInput.FromImage(image)], timeout: TimeSpan.FromSeconds(30));

        // A sends more than its queue holds; once its backlog waits, B asks one item at a time.
        var flood = Enumerable.Range(0, 400).Select(_ => Infer(fixture.A!)).ToArray();
        await Eventually.HoldsAsync(
            async () => (await fixture.A!.Client.GetDeviceStatusAsync(fixture.Device)).QueueDepth[Lane.Interactive] >= 50, Wait, "A's backlog waits");
        List<ItemResult> light = [];
        for (var i = 0; i < 5; i++)
        {
            light.Add((await Infer(fixture.B!)).Items[0]);
        }

        var heavy = (await Task.WhenAll(flood)).Select(r => r.Items[0]).ToArray();

        Assert.All(light, item => Assert.Null(item.Error));
        Assert.Contains(heavy, item => item.Error?.Kind == Errors.ErrorKind.Overloaded); // A's own queue filled
        var aWaited = heavy.Where(i => i.Error is null).Max(i => i.QueueMs);
        Assert.True(light.Max(i => i.QueueMs) < aWaited / 4, $"B waited up to {light.Max(i => i.QueueMs)} ms, A up to {aWaited} ms");
    }
}
