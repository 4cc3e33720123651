using Argus.Cameras;
using Argus.Devices;
using Argus.Errors;
using Argus.Testing;

namespace Argus.Client.Tests;

/// <summary>One real silo process and an SDK host connected to it, for a test class.</summary>
public sealed class ClientFixture : IAsyncLifetime
{
    public SiloProcess? Silo { get; private set; }

    public ClientHost? Host { get; private set; }

    /// <summary>The silo's first device, as it reports it (<c>cpu0</c> here, <c>cuda0</c> where CUDA loads).</summary>
    public DeviceKey Device { get; private set; }

    public async Task InitializeAsync()
    {
        Silo = await SiloProcess.StartAsync("sdk-0", new Dictionary<string, string>
        {
            // The versions ModelVersionTests roll out are one model: the automatic rollback (the silo tests prove it)
            // must not act on a loaded machine's latency noise between them.
            ["Argus__Rollout__MinItems"] = "1000000",
        });
        Device = DeviceKey.Parse((await Silo.GetDevicesAsync())[0].Key);
        Host = await ClientHost.StartAsync(o =>
        {
            o.Gateways = [$"127.0.0.1:{Silo.GatewayPort}"];
            o.Api = Silo.BaseAddress;
        });
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
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
    private IArgusClient Client => fixture.Host!.Client;

    private DeviceKey Device => fixture.Device;

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
    public async Task A_call_of_several_MiB_reaches_the_silo_and_answers_every_item()
    {
        // The gateway consumes none of a message until all of it has arrived, through a transport with a 1 MiB cap on unread bytes.
        var noise = new byte[3 * 1024 * 1024];
        new Random(18).NextBytes(noise);
        var response = await Client.InferAsync(Device, "resnet18",
            [InferenceInput.FromImage(TestData.Image("apple.jpg")), InferenceInput.FromImage(noise)], timeout: TimeSpan.FromMinutes(1));

        Assert.Equal(512, response.Items[0].Embedding!.Length);
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
        Assert.Equal(["moderation-fast", "moderation-heavy", "resnet18", "text-detection", "text-direction"], status.Models.Select(m => m.Name).Order());
    }

    [Fact]
    public async Task Cameras_are_managed_through_the_sdk_and_their_alerts_arrive_as_an_async_stream()
    {
        // Apple then baboon: their ResNet18 embeddings lie 0.65 apart, so with the apple as baseline every baboon frame
        // is a scene change, and every apple frame clears the rule for the next.
        var config = new CameraConfig
        {
            Models = ["resnet18"],
            TargetFps = 100,
            LatencyTargetMs = 10_000,
            Rules = [new AlertRule("change", AlertRuleKind.SceneChange, "resnet18", 0.3, K: 1, N: 1)],
        };
        await Client.ConfigureCameraAsync("sdk-cam", config);
        Assert.Contains("sdk-cam", await Client.ListCamerasAsync());
        Assert.Equal(config.Rules, (await Client.GetCameraAsync("sdk-cam"))!.Rules);

        using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var alerts = Client.WatchAlertsAsync("sdk-cam", watching.Token).GetAsyncEnumerator(watching.Token);
        var next = alerts.MoveNextAsync().AsTask(); // subscribes
        byte[][] images = [TestData.Image("apple.jpg"), TestData.Image("baboon.jpg")];
        var pushed = 0;
        await Eventually.HoldsAsync(async () =>
        {
            await Client.PushFrameAsync("sdk-cam", images[pushed++ % 2]);
            return next.IsCompleted;
        }, TimeSpan.FromSeconds(60), "an alert through WatchAlertsAsync");

        Assert.True(await next);
        var alert = alerts.Current;
        Assert.Equal(("sdk-cam", "change", AlertRuleKind.SceneChange), (alert.Camera, alert.Rule, alert.Kind));
        Assert.InRange(alert.Score, 0.3, 2);
        Assert.Contains(alert.Sequence, (await Client.GetRecentAlertsAsync("sdk-cam")).Select(a => a.Sequence));
        var stats = await Client.GetCameraStatsAsync("sdk-cam");
        Assert.True(stats.Analysed >= 2 && stats.Alerts >= 1, stats.ToString());

        await Client.RemoveCameraAsync("sdk-cam");
        Assert.Null(await Client.GetCameraAsync("sdk-cam"));
        Assert.DoesNotContain("sdk-cam", await Client.ListCamerasAsync());
        Assert.Equal(FrameOutcome.UnknownCamera, await Client.PushFrameAsync("sdk-cam", images[0]));
        await Assert.ThrowsAsync<BadInputException>(() => Client.ConfigureCameraAsync("sdk-cam", config with { Models = [] }));
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("")]
    [InlineData("a/b")]
    public async Task An_id_no_camera_can_have_is_bad_input_on_every_camera_call(string id)
    {
        await Assert.ThrowsAsync<BadInputException>(() => Client.GetCameraAsync(id));
        await Assert.ThrowsAsync<BadInputException>(() => Client.PushFrameAsync(id, TestData.Image("imageTextN.png")));
        await Assert.ThrowsAsync<BadInputException>(() => Client.RemoveCameraAsync(id));
        await Assert.ThrowsAsync<BadInputException>(async () =>
        {
            await foreach (var _ in Client.WatchAlertsAsync(id))
            {
            }
        });
    }
}
