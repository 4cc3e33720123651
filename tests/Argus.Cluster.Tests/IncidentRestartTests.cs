using System.Net;
using System.Text;
using System.Text.Json;
using Argus.Testing;

namespace Argus.Cluster.Tests;

/// <summary>
/// A camera's incident pending when its silo is killed is made once, after the camera comes back: the pending list is
/// persisted with the alert in Redis grain storage.
/// </summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class IncidentRestartTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_incident_pending_when_its_camera_silo_is_killed_is_made_once_after_the_camera_comes_back()
    {
        await using var redis = await RedisServer.StartAsync();
        var output = Directory.CreateTempSubdirectory("argus-incidents-");
        var settings = new Dictionary<string, string>
        {
            ["Argus__Redis"] = redis.ConnectionString,
            ["Argus__Storage__OutputRoots__0"] = output.FullName,
        };
        var silo = await SiloProcess.StartAsync("incident-0", settings, TimeSpan.FromMinutes(2));
        try
        {
            // 30 s after the alert: the window is still open when the silo is killed.
            var config = $$$"""
                {"source": "{{{Path.Combine(TestData.ImagesDir, "vtest.avi")}}}", "models": ["resnet18"], "target_fps": 5, "latency_target_ms": 5000,
                 "rules": [{"name": "people", "kind": "scene_change", "model": "resnet18", "threshold": 0.06, "k": 2, "n": 3}],
                 "incident": {"model": "text-detection", "before_s": 2, "after_s": 30}}
                """;
            var frames = Path.Combine(output.FullName, "incidents", "junction", "1");
            using (var http = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(60) })
            {
                using (var put = await http.PutAsync("v1/cameras/junction", new StringContent(config, Encoding.UTF8, "application/json")))
                {
                    Assert.Equal(HttpStatusCode.Created, put.StatusCode);
                }

                var last = "";
                await Eventually.HoldsAsync(async () => (last = (await GetAsync(http, "v1/cameras/junction/incidents/1")).Body).Contains("\"pending\""),
                    Timeout, $"alert 1's incident to be pending (last answer: {last})");
            }

            // The frames before the alert are written when it is raised (about 10: it comes a second into the video), the
            // frames after as they arrive: killed once some of those are out too.
            await Eventually.HoldsAsync(() => Task.FromResult(Directory.Exists(frames) && Directory.GetFiles(frames, "frame-*.jpg").Length >= 25),
                Timeout, "frames after the alert to be written");
            var killedAt = DateTime.UtcNow;
            silo.Kill();
            await silo.WaitForExitAsync();
            await silo.DisposeAsync();
            silo = await SiloProcess.StartAsync("incident-0", settings, TimeSpan.FromMinutes(2));

            using var restarted = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            var answer = "";
            await Eventually.HoldsAsync(async () =>
            {
                var (status, body) = await GetAsync(restarted, "v1/cameras/junction/incidents/1");
                answer = $"{(int)status} {body}";
                return status == HttpStatusCode.OK && body.Contains("\"ready\"");
            }, Timeout, $"alert 1's incident after the restart (last answer: {answer}; the silo's log: {silo.Log})");

            var summary = JsonDocument.Parse(answer[4..]).RootElement.GetProperty("summary");
            Assert.Equal((1, "people"), (summary.GetProperty("alert").GetInt32(), summary.GetProperty("rule").GetString()));
            Assert.True(summary.GetProperty("made_at").GetDateTime() > killedAt, summary.ToString());
            Assert.True(summary.GetProperty("frames_before").GetInt32() > 0 && summary.GetProperty("frames_after").GetInt32() > 0, summary.ToString());
            Assert.True(summary.GetProperty("frames").GetArrayLength() >= 25, summary.ToString());
            Assert.All(summary.GetProperty("frames").EnumerateArray(), f => Assert.False(f.GetProperty("result").TryGetProperty("error", out _), f.ToString()));
            Assert.True(File.Exists(Path.Combine(frames, "summary.json")));

            // Made once: asked again, the same summary.
            var (_, again) = await GetAsync(restarted, "v1/cameras/junction/incidents/1");
            Assert.Equal(summary.ToString(), JsonDocument.Parse(again).RootElement.GetProperty("summary").ToString());

            using var delete = await restarted.DeleteAsync("v1/cameras/junction");
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            Assert.False(Directory.Exists(Path.Combine(output.FullName, "incidents", "junction")));
        }
        finally
        {
            await silo.DisposeAsync();
            output.Delete(recursive: true);
        }
    }
}
