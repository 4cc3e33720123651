using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.Testing;
using StackExchange.Redis;

namespace Argus.Cluster.Tests;

/// <summary>
/// Pipelines and their items in Redis grain storage: a silo killed with an item pending comes back, reads the pipeline
/// and its items (the rules' label maps, the scores) and gives the pending item its one final result; a removed pipeline
/// leaves no record in Redis (a cleared state deletes its key).
/// </summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class PipelineRestartTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private const string Spec = """
        {"fast_model": "moderation-fast", "fast_rule": {"block": {"Porn": 0.9}, "review": {"Porn": 0.4}},
         "heavy_model": "moderation-heavy", "heavy_rule": {"block": {"Porn": 0.7}}, "heavy_items": "all"}
        """;

    private static ByteArrayContent Jpeg(string photo)
    {
        var content = new ByteArrayContent(TestData.Image(photo));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return content;
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient http, HttpMethod method, string path, HttpContent? content = null)
    {
        using var response = await http.SendAsync(new HttpRequestMessage(method, path) { Content = content });
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> FinalAsync(HttpClient http, string item, Func<string> log)
    {
        var last = "";
        await Eventually.HoldsAsync(async () =>
        {
            var (status, body) = await SendAsync(http, HttpMethod.Get, $"v1/pipelines/uploads/items/{item}");
            last = $"{(int)status} {body}";
            return status == HttpStatusCode.OK && JsonDocument.Parse(body).RootElement.GetProperty("state").GetString() == "final";
        }, Timeout, $"item {item}'s final result (last answer: {last}; the silo's log: {log()})");
        return JsonDocument.Parse(last[4..]).RootElement.Clone();
    }

    [Fact]
    public async Task A_pipeline_and_its_items_come_back_from_redis_an_item_pending_at_a_kill_gets_its_final_and_a_removed_one_leaves_no_record()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string> { ["Argus__Redis"] = redis.ConnectionString };
        var silo = await SiloProcess.StartAsync("pipe-0", settings, TimeSpan.FromMinutes(2));
        try
        {
            JsonElement apple;
            using (var http = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(60) })
            {
                Assert.Equal(HttpStatusCode.Created, (await SendAsync(http, HttpMethod.Put, "v1/pipelines/uploads", new StringContent(Spec, Encoding.UTF8, "application/json"))).Status);
                Assert.Equal(HttpStatusCode.Created, (await SendAsync(http, HttpMethod.Post, "v1/pipelines/uploads/items?item=apple", Jpeg("apple.jpg"))).Status);
                apple = await FinalAsync(http, "apple", () => silo.Log);
                // Killed at once: the baboon's heavy call may not have run.
                Assert.Equal(HttpStatusCode.Created, (await SendAsync(http, HttpMethod.Post, "v1/pipelines/uploads/items?item=baboon", Jpeg("baboon.jpg"))).Status);
            }

            silo.Kill();
            await silo.WaitForExitAsync();
            await silo.DisposeAsync();
            silo = await SiloProcess.StartAsync("pipe-0", settings, TimeSpan.FromMinutes(2));

            using var restarted = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            var last = "";
            await Eventually.HoldsAsync(async () =>
            {
                var (status, body) = await SendAsync(restarted, HttpMethod.Get, "v1/pipelines/uploads");
                last = $"{(int)status} {body}";
                return status == HttpStatusCode.OK;
            }, Timeout, $"the pipeline after the restart (last answer: {last})");
            Assert.Equal(0.4, JsonDocument.Parse(last[4..]).RootElement.GetProperty("spec").GetProperty("fast_rule").GetProperty("review").GetProperty("Porn").GetDouble());

            Assert.Equal(apple.ToString(), (await FinalAsync(restarted, "apple", () => silo.Log)).ToString());
            var baboon = await FinalAsync(restarted, "baboon", () => silo.Log);
            Assert.Equal("moderation-heavy", baboon.GetProperty("final").GetProperty("model").GetString());
            Assert.Equal("allow", baboon.GetProperty("final").GetProperty("decision").GetString());

            // The key is still taken after the restart: the stored item answers.
            var (again, body) = await SendAsync(restarted, HttpMethod.Post, "v1/pipelines/uploads/items?item=apple", Jpeg("baboon.jpg"));
            Assert.Equal(HttpStatusCode.OK, again);
            Assert.Equal(apple.ToString(), JsonDocument.Parse(body).RootElement.ToString());

            // Orleans' Redis storage keys a state {service}/state/{grain type}/{grain key}/{state name}.
            await using var store = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
            string[] PipelineRecords() => [.. store.GetServers()[0].Keys(pattern: "*/state/pipeline/uploads/*").Select(k => k.ToString())];
            Assert.NotEmpty(PipelineRecords());
            Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(restarted, HttpMethod.Delete, "v1/pipelines/uploads")).Status);
            Assert.Empty(PipelineRecords());
        }
        finally
        {
            await silo.DisposeAsync();
        }
    }
}
