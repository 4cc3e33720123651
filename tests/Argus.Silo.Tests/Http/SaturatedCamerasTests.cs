using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.Testing;
using Xunit.Abstractions;

namespace Argus.Silo.Tests.Http;

/// <summary>Cameras offering more frames than their device can analyse: freshness over failure.</summary>
public sealed class SaturatedCamerasTests(TwentyFpsSiloFixture fixture, ITestOutputHelper output) : IClassFixture<TwentyFpsSiloFixture>
{
    private const int Cameras = 10;
    private const double TargetMs = 600;

    private HttpClient Http => fixture.Http!;

    private async Task<JsonElement> StatsAsync(string camera) =>
        JsonDocument.Parse(await Http.GetStringAsync($"v1/cameras/{camera}")).RootElement.GetProperty("stats").Clone();

    private static long Count(JsonElement stats, string name) => stats.GetProperty(name).GetInt64();

    [Fact]
    public async Task Ten_cameras_at_5_fps_on_a_20_fps_device_share_it_evenly_within_their_target_and_shed_rather_than_fail()
    {
        var ids = Enumerable.Range(0, Cameras).Select(i => $"saturated-{i}").ToArray();
        foreach (var id in ids)
        {
            using var put = await Http.PutAsync($"v1/cameras/{id}", new StringContent(
                $$"""{"models": ["resnet18"], "target_fps": 5, "max_in_flight": 1, "latency_target_ms": {{TargetMs}}}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        // 50 frames/s offered to 20/s of capacity. The shares settle within seconds; the window after that is judged.
        var image = TestData.Image("apple.jpg");
        using var feeding = new CancellationTokenSource();
        var feeders = ids.Select((id, i) => FeedAsync(id, image, TimeSpan.FromMilliseconds(200.0 * i / Cameras), feeding.Token)).ToArray();
        await Eventually.HoldsAsync(async () =>
        {
            var all = await Task.WhenAll(ids.Select(StatsAsync));
            return all.All(s => Count(s, "analysed") >= 20 && s.GetProperty("share_fps").GetDouble() < 5);
        }, TimeSpan.FromMinutes(2), "every camera to analyse frames and its share to fall below the target fps");

        var before = await Task.WhenAll(ids.Select(StatsAsync));
        var from = DateTime.UtcNow;
        await Eventually.HoldsAsync(async () =>
        {
            var all = await Task.WhenAll(ids.Select(StatsAsync));
            return all.Select((s, i) => Count(s, "analysed") - Count(before[i], "analysed")).Min() >= 25;
        }, TimeSpan.FromMinutes(2), "every camera to analyse 25 frames more");
        var after = await Task.WhenAll(ids.Select(StatsAsync));
        var seconds = (DateTime.UtcNow - from).TotalSeconds;
        await feeding.CancelAsync();
        await Task.WhenAll(feeders);

        var fps = after.Select((s, i) => (Count(s, "analysed") - Count(before[i], "analysed")) / seconds).ToArray();
        for (var i = 0; i < Cameras; i++)
        {
            output.WriteLine($"{ids[i]}: {fps[i]:F2} fps; {after[i]}");
        }

        // Frames are shed rather than failed; a few still fail on a machine whose other load delays them after they were
        // sent (seen: 1 of about 200 on half the cameras at a load average of 90 on 2 cores), never more than a sliver.
        var failed = after.Select((s, i) => Count(s, "failed") - Count(before[i], "failed")).Sum();
        var received = after.Select((s, i) => Count(s, "received") - Count(before[i], "received")).Sum();
        Assert.True(failed <= 0.02 * received, $"{failed} of {received} frames failed.");
        Assert.All(after.Select((s, i) => Count(s, "dropped") - Count(before[i], "dropped")), dropped => Assert.True(dropped > 0));
        Assert.All(after, s => Assert.True(s.GetProperty("p95_ms").GetDouble() <= TargetMs, s.ToString()));
        Assert.True(fps.Sum() <= 20 * 1.1, $"{fps.Sum():F1} frames/s from a device of 20/s.");
        Assert.True(fps.Min() >= fps.Max() / 3, $"Per camera fps: {string.Join(", ", fps.Select(f => f.ToString("F2")))}.");
    }

    /// <summary>Pushes a frame every 200 ms, captured now, until cancelled.</summary>
    private async Task FeedAsync(string camera, byte[] image, TimeSpan phase, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(phase, cancellationToken);
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
            do
            {
                using var content = new ByteArrayContent(image);
                content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                content.Headers.Add("X-Argus-Captured-At", DateTime.UtcNow.ToString("O"));
                using var response = await Http.PostAsync($"v1/cameras/{camera}/frames", content, cancellationToken);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            while (await pace.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // fed long enough
        }
    }
}
