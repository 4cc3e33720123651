using System.Diagnostics;
using Argus.Cameras;
using Argus.Testing;
using Xunit.Abstractions;

namespace Argus.Cluster.Tests;

/// <summary>A camera whose silo is killed comes back on another silo with its configuration and alerts, and reads on.</summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class CameraFailoverTests(RedisClusterFixture cluster, ITestOutputHelper output) : IClassFixture<RedisClusterFixture>
{
    [Fact]
    public async Task A_camera_whose_silo_dies_resumes_on_another_silo_from_its_persisted_state()
    {
        var client = cluster.Client;
        var config = new CameraConfig
        {
            Source = Path.Combine(TestData.ImagesDir, "vtest.avi"),
            Loop = true,
            Models = ["resnet18"],
            TargetFps = 3,
            LatencyTargetMs = 5000,
            Rules = [new AlertRule("people", AlertRuleKind.SceneChange, "resnet18", 0.06, K: 2, N: 3)],
        };
        await client.ConfigureCameraAsync("lobby", config);
        await Eventually.HoldsAsync(async () => (await client.GetCameraStatsAsync("lobby")) is { Alerts: >= 1, Analysed: >= 3 },
            TimeSpan.FromSeconds(60), "the camera to analyse and alert");
        var before = await client.GetCameraStatsAsync("lobby");
        var alerts = await client.GetRecentAlertsAsync("lobby");
        var victim = cluster.Silos.Single(s => s.Name == before.Silo);

        var clock = Stopwatch.StartNew();
        victim.Kill();
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                return await client.GetCameraStatsAsync("lobby") is { Analysed: >= 3 } s && s.Silo != victim.Name;
            }
            catch (TimeoutException)
            {
                return false; // sent to the dead silo: camera calls give up after CameraCalls.Timeout
            }
            catch (OrleansException)
            {
                return false; // the dead silo refused the connection
            }
        }, TimeSpan.FromSeconds(90), "the camera to analyse again on another silo");
        var after = await client.GetCameraStatsAsync("lobby");
        output.WriteLine($"{victim.Name} killed; camera analysing again on {after.Silo} within {clock.Elapsed.TotalSeconds:F1} s; before: {before}; after: {after}");

        var kept = await client.GetCameraAsync("lobby");
        Assert.Equal(config.Source, kept!.Source);
        Assert.Equal(config.Rules, kept.Rules);
        Assert.Contains("lobby", await client.ListCamerasAsync());
        var keptAlerts = await client.GetRecentAlertsAsync("lobby");
        Assert.Equal((alerts[0].Sequence, alerts[0].RaisedAt, alerts[0].Score), (keptAlerts[0].Sequence, keptAlerts[0].RaisedAt, keptAlerts[0].Score));
        Assert.True(after.Alerts >= alerts[^1].Sequence, $"the alert count went back: {after.Alerts} < {alerts[^1].Sequence}");

        await client.RemoveCameraAsync("lobby");
    }
}
