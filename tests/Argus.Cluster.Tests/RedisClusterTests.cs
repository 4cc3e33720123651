using System.Net.Http.Headers;
using System.Text.Json;
using Argus.Devices;
using Argus.Testing;

namespace Argus.Cluster.Tests;

/// <summary>Three silo processes on Redis membership form one cluster that an SDK client reaches through Redis.</summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class RedisClusterTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>
{
    [Fact]
    public async Task The_sdk_reaches_the_device_of_every_silo_and_each_runs_on_its_own_silo()
    {
        foreach (var device in (await DeviceKeysAsync()).Select(DeviceKey.Parse))
        {
            var status = await cluster.Client.GetDeviceStatusAsync(device);
            var result = await cluster.Client.InferAsync(device, "resnet18", [InferenceInput.FromImage(TestData.Image("apple.jpg"))]);

            Assert.True(status.Ready);
            Assert.Equal(device.ToString(), result.Device);
            Assert.Equal(512, result.Items.Single().Embedding!.Length);
        }

        // Each silo's own counters saw the work: the calls ran where their keys say, not all on one silo.
        foreach (var silo in cluster.Silos)
        {
            using var http = new HttpClient { BaseAddress = silo.BaseAddress };
            var devices = JsonDocument.Parse(await http.GetStringAsync("v1/devices")).RootElement;
            Assert.True(devices[0].GetProperty("items_run").GetInt64() >= 1, $"{silo.Name} ran nothing");
        }
    }

    [Fact]
    public async Task Routed_sdk_calls_spread_over_the_devices_of_all_three_silos()
    {
        var expected = await DeviceKeysAsync();
        await Eventually.HoldsAsync(async () => (await cluster.Client.GetDevicesAsync()).Count == expected.Count,
            TimeSpan.FromSeconds(30), "every device to report its load");

        var image = TestData.Image("imageTextN.png");
        var calls = Enumerable.Range(0, 60).Select(_ => cluster.Client.InferAsync("text-direction", [InferenceInput.FromImage(image)]));
        var responses = await Task.WhenAll(calls);

        Assert.All(responses, r => Assert.Null(r.Items.Single().Error));
        Assert.Equal(expected.Order(), responses.Select(r => r.Device).Distinct().Order());
    }

    [Fact]
    public async Task Every_silo_serves_http_and_answers_the_same_embedding()
    {
        var devices = await DeviceKeysAsync();
        List<float[]> embeddings = [];
        foreach (var silo in cluster.Silos)
        {
            using var http = new HttpClient { BaseAddress = silo.BaseAddress };
            var body = new ByteArrayContent(TestData.Image("baboon.jpg"));
            body.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            var response = await http.PostAsync("v1/models/resnet18/infer", body);
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

            Assert.True(response.IsSuccessStatusCode, json.ToString());
            // Usually the silo's own device; another one when the load reports still show it busy from the test before.
            Assert.Contains(json.GetProperty("device").GetString(), devices);
            embeddings.Add([.. json.GetProperty("results")[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle())]);
        }

        Assert.All(embeddings, e => Assert.Equal(embeddings[0], e));
    }

    /// <summary>Every silo's devices, as the silos report them.</summary>
    private async Task<IReadOnlyList<string>> DeviceKeysAsync() =>
        [.. (await Task.WhenAll(cluster.Silos.Select(s => s.GetDevicesAsync()))).SelectMany(d => d).Select(d => d.Key).Distinct()];
}
