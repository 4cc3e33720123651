using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.Testing;

namespace Argus.Cluster.Tests;

/// <summary>
/// A backfill in Redis grain storage: its silo killed while items are being re-scored, it resumes from its checkpoint
/// by its reminder, and ends with every item of its window counted once and re-scored once.
/// </summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class PipelineBackfillResumeTests : IDisposable
{
    private const int Items = 40;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    private readonly string _archive = Path.Combine(Path.GetTempPath(), $"argus-archive-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_archive))
        {
            Directory.Delete(_archive, recursive: true);
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement Json)> SendAsync(HttpClient http, HttpMethod method, string path, HttpContent? content = null)
    {
        using var response = await http.SendAsync(new HttpRequestMessage(method, path) { Content = content });
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task A_backfill_whose_silo_is_killed_resumes_and_rescores_each_item_once()
    {
        await using var redis = await RedisServer.StartAsync();
        // A short reminder period, so the restarted silo wakes the backfill within seconds.
        var settings = new Dictionary<string, string> { ["Argus__Redis"] = redis.ConnectionString, ["Argus__Jobs__ReminderSeconds"] = "5" };
        var silo = await SiloProcess.StartAsync("backfill-0", settings, TimeSpan.FromMinutes(2));
        try
        {
            using (var http = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(60) })
            {
                // Every item is decided by the fast tier at once (baboon.jpg is Neutral to it), and kept in the archive.
                var spec = $$$"""
                    {"fast_model": "moderation-fast", "fast_rule": {"block": {"Porn": 0.9}},
                     "heavy_model": "moderation-heavy", "heavy_rule": {"block": {"Porn": 0.7}}, "heavy_items": "review", "archive": "{{{_archive}}}"}
                    """;
                Assert.Equal(HttpStatusCode.Created, (await SendAsync(http, HttpMethod.Put, "v1/pipelines/kept", new StringContent(spec, Encoding.UTF8, "application/json"))).Status);
                for (var i = 0; i < Items; i++)
                {
                    var image = new ByteArrayContent(TestData.Image("baboon.jpg"));
                    image.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                    var (status, item) = await SendAsync(http, HttpMethod.Post, $"v1/pipelines/kept/items?item=b{i:D2}", image);
                    Assert.True(status == HttpStatusCode.Created && item.GetProperty("state").GetString() == "final", $"b{i:D2}: {(int)status} {item}");
                }

                var (accepted, started) = await SendAsync(http, HttpMethod.Post, "v1/pipelines/kept/backfills",
                    new StringContent("""{"version": "4.3.0", "id": "heavy"}""", Encoding.UTF8, "application/json"));
                Assert.True(accepted == HttpStatusCode.Accepted, $"{(int)accepted} {started}");
            }

            // Killed at once: the first page of re-scores is out.
            silo.Kill();
            await silo.WaitForExitAsync();
            await silo.DisposeAsync();
            silo = await SiloProcess.StartAsync("backfill-0", settings, TimeSpan.FromMinutes(2));

            using var restarted = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            JsonElement done = default;
            await Eventually.HoldsAsync(async () =>
            {
                (_, done) = await SendAsync(restarted, HttpMethod.Get, "v1/pipelines/kept/backfills/heavy");
                return done.ValueKind == JsonValueKind.Object && done.TryGetProperty("state", out var state) && state.GetString() == "completed";
            }, Timeout, $"the backfill's end after the restart (last answer: {done}; the silo's log: {silo.Log})");
            Assert.Equal(Items, done.GetProperty("items").GetInt64());
            Assert.Equal(Items, done.GetProperty("rescored").GetInt64());

            for (var i = 0; i < Items; i++)
            {
                var (_, item) = await SendAsync(restarted, HttpMethod.Get, $"v1/pipelines/kept/items/b{i:D2}");
                var superseded = Assert.Single(item.GetProperty("superseded").EnumerateArray());
                Assert.Equal("moderation-fast", superseded.GetProperty("model").GetString());
                Assert.Equal("heavy", item.GetProperty("final").GetProperty("backfill").GetString());
                Assert.Equal("moderation-heavy", item.GetProperty("final").GetProperty("model").GetString());
            }
        }
        finally
        {
            await silo.DisposeAsync();
        }
    }
}
