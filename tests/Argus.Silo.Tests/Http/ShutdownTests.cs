using System.Net.Http.Headers;
using Argus.Testing;

namespace Argus.Silo.Tests.Http;

public sealed class ShutdownTests
{
    [Fact]
    public async Task A_graceful_stop_answers_what_is_in_flight_and_exits_zero()
    {
        await using var silo = await SiloProcess.StartAsync("stop-0");
        using var http = new HttpClient { BaseAddress = silo.BaseAddress };
        var content = new ByteArrayContent(TestData.Image("apple.jpg"));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var inFlight = Enumerable.Range(0, 4).Select(_ => http.PostAsync("v1/models/resnet18/infer", content)).ToArray();
        await Eventually.HoldsAsync(async () => (await http.GetStringAsync("v1/devices")).Contains("\"items_run\":"), TimeSpan.FromSeconds(10), "the silo to take work");

        silo.Terminate();
        var responses = await Task.WhenAll(inFlight);

        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, $"in-flight request got {(int)r.StatusCode}"));
        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await silo.WaitForExitAsync(exit.Token);
        Assert.Equal(0, silo.ExitCode);
    }
}
