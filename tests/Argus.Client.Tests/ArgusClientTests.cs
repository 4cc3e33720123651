using Argus.Devices;
using Argus.Errors;
using Argus.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Argus.Client.Tests;

/// <summary>One real silo process and an SDK host connected to it, for a test class.</summary>
public sealed class ClientFixture : IAsyncLifetime
{
    public SiloProcess? Silo { get; private set; }

    public IHost? Host { get; private set; }

    public async Task InitializeAsync()
    {
        Silo = await SiloProcess.StartAsync("sdk-0");
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.AddArgusClient(o => o.Gateways = [$"127.0.0.1:{Silo.GatewayPort}"]);
        Host = builder.Build();
        await Host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.StopAsync();
            Host.Dispose();
        }

        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }
    }
}

/// <summary>The SDK against a real silo process.</summary>
public sealed class ArgusClientTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    private IArgusClient Client => fixture.Host!.Services.GetRequiredService<IArgusClient>();

    private DeviceKey Device => new(fixture.Silo!.Name, "cpu0");

    [Fact]
    public async Task An_image_returns_its_embedding()
    {
        var result = await Client.InferImageAsync(Device, "resnet18", TestData.Image("apple.jpg"), Lane.Realtime);
        Assert.Equal(512, result.Embedding!.Length);
    }

    [Fact]
    public async Task A_batch_answers_each_item_on_its_own()
    {
        var response = await Client.InferAsync(Device, "resnet18",
            [InferenceInput.FromImage(TestData.Image("apple.jpg")), InferenceInput.FromImage([1, 2, 3])]);

        Assert.NotNull(response.Items[0].Embedding);
        Assert.Equal(ErrorKind.BadInput, response.Items[1].Error?.Kind);
    }

    [Fact]
    public async Task Errors_arrive_as_typed_exceptions()
    {
        var bad = await Assert.ThrowsAsync<BadInputException>(() => Client.InferImageAsync(Device, "resnet18", TestData.DecompressionBomb()));
        Assert.Contains("50000×50000", bad.Message);

        var unknown = await Assert.ThrowsAsync<UnknownModelException>(() => Client.InferImageAsync(Device, "nope", TestData.Image("apple.jpg")));
        Assert.Equal("nope", unknown.Model);

        var overloaded = await Assert.ThrowsAsync<OverloadedException>(
            () => Client.InferImageAsync(Device, "resnet18", TestData.Image("apple.jpg"), timeout: TimeSpan.FromMilliseconds(1)));
        Assert.True(overloaded.RetryAfter > TimeSpan.Zero);
    }

    [Fact]
    public async Task Device_status_comes_through_the_sdk()
    {
        var status = await Client.GetDeviceStatusAsync(Device);
        Assert.True(status.Ready);
        Assert.Equal(["resnet18", "text-detection", "text-direction"], status.Models.Select(m => m.Name).Order());
    }
}
