using System.Net;
using System.Net.Http.Headers;
using Argus.Testing;

namespace Argus.Silo.Tests.Scaling;

/// <summary>A silo asked to stop drains: not ready, takes nothing new, answers what it holds, then exits.</summary>
public sealed class DrainTests
{
    [Fact]
    public async Task On_SIGTERM_readyz_says_draining_while_in_flight_requests_are_answered_then_the_silo_exits_zero()
    {
        // 200 ms per image, one at a time: ten requests hold the device for about two seconds.
        var profile = Path.Combine(Path.GetTempPath(), $"argus-drain-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(profile, """{ "name": "slow", "latencyMs": { "1": 200 } }""");
        await using var silo = await SiloProcess.StartAsync("drain-0", new Dictionary<string, string>
        {
            ["Argus__Inference__Sim__Devices"] = "1",
            ["Argus__Inference__Sim__Profile"] = profile,
            ["Argus__Autoscale__DrainTimeoutSeconds"] = "20",
            ["Logging__LogLevel__Argus.Grains.Scaling"] = "Information",
        });
        using var http = new HttpClient { BaseAddress = silo.BaseAddress };
        var content = new ByteArrayContent(TestData.Image("apple.jpg"));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var inFlight = Enumerable.Range(0, 10).Select(_ => http.PostAsync("v1/models/resnet18/infer?lane=batch", content)).ToArray();
        await Eventually.HoldsAsync(async () => (await http.GetStringAsync("v1/devices")).Contains("\"items_run\":1"), TimeSpan.FromSeconds(10), "the device to take work");

        silo.Terminate();
        await Eventually.HoldsAsync(async () =>
        {
            using var ready = await http.GetAsync("readyz");
            return ready.StatusCode == HttpStatusCode.ServiceUnavailable && await ready.Content.ReadAsStringAsync() == "draining";
        }, TimeSpan.FromSeconds(5), "readyz to answer 503 draining");
        var responses = await Task.WhenAll(inFlight);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await silo.WaitForExitAsync(exit.Token);
        Assert.Equal(0, silo.ExitCode);
        File.Delete(profile);
        Assert.Matches(@"Draining: no new work; waiting for [1-9]\d* item\(s\) in flight", silo.Log);
        Assert.Matches(@"Drained in \d+ ms", silo.Log);
    }

    [Fact]
    public async Task Invalid_autoscale_options_are_all_refused_at_start()
    {
        var start = SiloProcess.StartAsync("bad-autoscale-0", new Dictionary<string, string>
        {
            ["Argus__Autoscale__MinSilos"] = "3",
            ["Argus__Autoscale__MaxSilos"] = "2",
            ["Argus__Autoscale__UpscaleDelaySeconds"] = "-1",
        });

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => start);
        Assert.Contains("Argus:Autoscale:MaxSilos must be at least MinSilos (3) (is 2)", refused.Message);
        Assert.Contains("Argus:Autoscale:UpscaleDelaySeconds must not be negative (is -1)", refused.Message);
    }
}
