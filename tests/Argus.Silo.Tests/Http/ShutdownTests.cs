using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Argus.Testing;

namespace Argus.Silo.Tests.Http;

public sealed class ShutdownTests
{
    private const int Requests = 4;

    [Fact]
    public async Task A_graceful_stop_answers_what_is_in_flight_and_exits_zero()
    {
        // The model waits 2 s for batch-mates (its batch holds 8), so the requests sit in the device's queue, on any
        // device, until well after the stop.
        await using var silo = await SiloProcess.StartAsync("stop-0", new Dictionary<string, string>
        {
            ["Argus__Inference__Models__0__Batching__MaxDelayMs"] = "2000",
            ["Logging__LogLevel__Argus.Grains.Scaling"] = "Information",
        });
        using var http = new HttpClient { BaseAddress = silo.BaseAddress };
        var content = new ByteArrayContent(TestData.Image("apple.jpg"));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var inFlight = Enumerable.Range(0, Requests).Select(_ => http.PostAsync("v1/models/resnet18/infer", content)).ToArray();
        await Eventually.HoldsAsync(async () => await QueuedAsync(http) == Requests, TimeSpan.FromSeconds(10), $"all {Requests} requests to wait at the devices");

        silo.Terminate();
        var responses = await Task.WhenAll(inFlight);

        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, $"in-flight request got {(int)r.StatusCode}"));
        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await silo.WaitForExitAsync(exit.Token);
        Assert.Equal(0, silo.ExitCode);
        Assert.Contains($"Draining: no new work; waiting for {Requests} item(s) in flight", silo.Log);
    }

    /// <summary>Items waiting in every lane of every device of the silo.</summary>
    private static async Task<int> QueuedAsync(HttpClient http) =>
        JsonNode.Parse(await http.GetStringAsync("v1/devices"))!.AsArray()
            .Sum(d => d!["queue_depth"]!.AsObject().Sum(lane => lane.Value!.GetValue<int>()));
}
