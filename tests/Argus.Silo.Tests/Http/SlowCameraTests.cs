using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.Testing;
using Xunit.Abstractions;

namespace Argus.Silo.Tests.Http;

/// <summary>Latest wins: frames pushed faster than a slow model analyses them.</summary>
public sealed class SlowCameraTests(SlowSiloFixture fixture, ITestOutputHelper output) : IClassFixture<SlowSiloFixture>
{
    private HttpClient Http => fixture.Http!;

    private async Task<JsonElement> StatsAsync() =>
        JsonDocument.Parse(await Http.GetStringAsync("v1/cameras/busy")).RootElement.GetProperty("stats").Clone();

    private async Task<string> PushAsync(byte[] image, DateTime capturedAt)
    {
        using var content = new ByteArrayContent(image);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        content.Headers.Add("X-Argus-Captured-At", capturedAt.ToString("O"));
        using var response = await Http.PostAsync("v1/cameras/busy/frames", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("outcome").GetString()!;
    }

    [Fact]
    public async Task Frames_pushed_faster_than_the_model_runs_are_dropped_and_the_newest_is_analysed()
    {
        using (var put = await Http.PutAsync("v1/cameras/busy", new StringContent(
            """{"models": ["resnet18"], "target_fps": 100, "max_in_flight": 1, "latency_target_ms": 10000}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        // 40 frames, one every 40 ms (25 fps), against 300 ms per analysis: about one in eight can be analysed.
        var image = TestData.Image("apple.jpg");
        var last = DateTime.MinValue;
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(40));
        for (var i = 0; i < 40; i++)
        {
            // A timer that fell behind on busy cores ticks twice at once: captures stay over 1/100 s apart all the same,
            // or the second would be skipped as too soon for the camera's 100 fps.
            var now = DateTime.UtcNow;
            last = now > last.AddMilliseconds(10) ? now : last.AddMilliseconds(10);
            Assert.Equal("accepted", await PushAsync(image, last)); // each is the newest: it runs or waits
            await pace.WaitForNextTickAsync();
        }

        // Every frame accounted for: the last one waited, then ran.
        await Eventually.HoldsAsync(async () =>
        {
            var s = await StatsAsync();
            return s.GetProperty("received").GetInt64() == s.GetProperty("analysed").GetInt64() + s.GetProperty("dropped").GetInt64()
                + s.GetProperty("skipped").GetInt64() + s.GetProperty("failed").GetInt64();
        }, TimeSpan.FromSeconds(30), "every frame to be analysed or dropped");

        var stats = await StatsAsync();
        output.WriteLine($"Last frame captured {last:O}; {stats}");
        var (analysed, dropped) = (stats.GetProperty("analysed").GetInt64(), stats.GetProperty("dropped").GetInt64());
        Assert.Equal((40L, 0L, 0L), (stats.GetProperty("received").GetInt64(), stats.GetProperty("skipped").GetInt64(), stats.GetProperty("failed").GetInt64()));
        Assert.InRange(analysed, 3, 15);
        Assert.Equal(40 - analysed, dropped);

        // Latest wins: the last frame pushed is the newest analysed (first in, first out would still be on the early
        // frames), and no analysed frame waited behind more than one analysis: a queue would have reached seconds.
        Assert.Equal(last, stats.GetProperty("newest_analysed").GetDateTime().ToUniversalTime());
        Assert.True(stats.GetProperty("p99_ms").GetDouble() < 1500, stats.ToString());
        Assert.True(stats.GetProperty("p50_ms").GetDouble() >= 300, stats.ToString());

        // A frame older than the newest seen is stale, and dropped.
        Assert.Equal("stale", await PushAsync(image, last.AddMilliseconds(-1)));
        Assert.Equal(dropped + 1, (await StatsAsync()).GetProperty("dropped").GetInt64());
    }
}
