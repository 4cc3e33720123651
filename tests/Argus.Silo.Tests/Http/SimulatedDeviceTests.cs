using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Argus.Testing;

namespace Argus.Silo.Tests.Http;

/// <summary>A real silo process serving two simulated devices of the textbook profile, with a 25 ms batching window.</summary>
public sealed class SimulatedSiloFixture : IAsyncLifetime
{
    public SiloProcess? Silo { get; private set; }

    public HttpClient? Http { get; private set; }

    public async Task InitializeAsync()
    {
        Silo = await SiloProcess.StartAsync("sim-0", new Dictionary<string, string>
        {
            ["Argus__Inference__Sim__Devices"] = "2",
            ["Argus__Inference__Sim__Profile"] = "textbook",
            ["Argus__Inference__Models__0__Batching__MaxDelayMs"] = "25",
        });
        Http = new HttpClient { BaseAddress = Silo.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }
    }
}

public sealed class SimulatedDeviceTests(SimulatedSiloFixture fixture) : IClassFixture<SimulatedSiloFixture>
{
    private HttpClient Http => fixture.Http!;

    private async Task<JsonElement> InferAsync(byte[] image)
    {
        using var content = new ByteArrayContent(image);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using var response = await Http.PostAsync("v1/models/resnet18/infer", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task The_silo_serves_its_simulated_devices_and_says_so()
    {
        var devices = JsonDocument.Parse(await Http.GetStringAsync("v1/devices")).RootElement;

        Assert.Equal(["sim-0/sim0", "sim-0/sim1"], devices.EnumerateArray().Select(d => d.GetProperty("key").GetString()).Order());
        Assert.All(devices.EnumerateArray(), d =>
        {
            Assert.Equal("sim", d.GetProperty("kind").GetString());
            Assert.Equal("sim:textbook", d.GetProperty("execution_provider").GetString());
        });
    }

    [Fact]
    public async Task Concurrent_requests_are_micro_batched_and_answered_with_well_formed_results_marked_sim()
    {
        var images = new[] { "apple.jpg", "baboon.jpg", "fruits.jpg" }.Select(TestData.Image).ToArray();

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => InferAsync(images[i % images.Length])));

        Assert.All(responses, r =>
        {
            Assert.Equal("sim", r.GetProperty("device_kind").GetString());
            Assert.StartsWith("sim-0/sim", r.GetProperty("device").GetString());
            var embedding = r.GetProperty("results")[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(512, embedding.Length);
            Assert.Equal(1.0, Math.Sqrt(embedding.Sum(v => v * v)), 3);
        });
        Assert.Contains(responses, r => r.GetProperty("results")[0].GetProperty("batch_size").GetInt32() > 1);

        // The same image gets the same simulated output, whichever device answered.
        static double First(JsonElement r) => r.GetProperty("results")[0].GetProperty("embedding")[0].GetDouble();
        Assert.Equal(First(responses[0]), First(responses[3]));
    }
}
