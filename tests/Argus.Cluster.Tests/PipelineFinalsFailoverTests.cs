using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.Pipelines;
using Argus.Testing;

namespace Argus.Cluster.Tests;

/// <summary>
/// A pipeline's items on three silos with the real moderation models, one silo killed (SIGKILL) while the heavy tier
/// holds items: the finals stream, read through the SDK across the loss, gives every item exactly one final result (an
/// item whose grain was lost as it was logged may come twice, with the same result), and GET of each item agrees.
/// </summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class PipelineFinalsFailoverTests
{
    private const int Items = 24;

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private const string Spec = """
        {"fast_model": "moderation-fast", "fast_rule": {"block": {"Porn": 0.9}, "review": {"Porn": 0.4}},
         "heavy_model": "moderation-heavy", "heavy_rule": {"block": {"Porn": 0.7}}, "heavy_items": "all"}
        """;

    private static readonly string[] Photos = ["apple.jpg", "baboon.jpg", "fruits.jpg", "butterfly.jpg"];

    [Fact]
    public async Task Every_item_ends_with_exactly_one_final_in_the_stream_when_a_silo_is_killed_with_heavy_work_out()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["Argus__Redis"] = redis.ConnectionString,
            // An item grain lost with its silo is brought back by its reminder within seconds.
            ["Argus__Jobs__ReminderSeconds"] = "2",
        };
        var starts = Enumerable.Range(0, 3).Select(i => SiloProcess.StartAsync($"silo-{i}", settings, TimeSpan.FromMinutes(2))).ToArray();
        List<SiloProcess> silos = [];
        try
        {
            await Task.WhenAll(starts);
        }
        finally
        {
            silos.AddRange(starts.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
        }

        await using var client = await ClientHost.StartAsync(o => o.Redis = redis.ConnectionString);
        using var watching = new CancellationTokenSource();
        var http = silos.Select(s => new HttpClient { BaseAddress = s.BaseAddress, Timeout = TimeSpan.FromSeconds(60) }).ToArray();
        try
        {
            using (var put = await http[0].PutAsync("v1/pipelines/failover", new StringContent(Spec, Encoding.UTF8, "application/json")))
            {
                Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            }

            List<PipelineItem> streamed = [];
            var watch = Task.Run(async () =>
            {
                await foreach (var item in client.Client.WatchFinalsAsync("failover", DateTimeOffset.UtcNow.AddSeconds(-1), watching.Token))
                {
                    lock (streamed)
                    {
                        streamed.Add(item);
                    }
                }
            });

            // Submitted through every silo, so the item grains (placed where their call came in) are on all three.
            var ids = Enumerable.Range(0, Items).Select(i => $"item-{i:D2}").ToArray();
            await Task.WhenAll(ids.Select(async (id, i) =>
            {
                var content = new ByteArrayContent(TestData.Image(Photos[i % Photos.Length]));
                content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                using var submit = await http[i % 3].PostAsync($"v1/pipelines/failover/items?item={id}", content);
                Assert.Equal(HttpStatusCode.Created, submit.StatusCode);
            }));

            var pending = (await Task.WhenAll(ids.Select(id => StateAsync(http[0], id)))).Count(s => s == "pending");

            Assert.True(pending > 0, "every item was final before the kill: the test would not test the heavy tier's loss");
            silos[2].Kill();
            await silos[2].WaitForExitAsync();

            await Eventually.HoldsAsync(() =>
            {
                lock (streamed)
                {
                    return Task.FromResult(ids.All(id => streamed.Any(s => s.Id == id)));
                }
            }, Timeout, $"a final of every item in the stream ({pending} were pending at the kill; streamed: {Streamed(streamed)})");
            await watching.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);

            lock (streamed)
            {
                Assert.Equal(ids, streamed.Select(s => s.Id).Distinct().Order());
                foreach (var group in streamed.GroupBy(s => s.Id))
                {
                    var finals = group.Select(s => JsonSerializer.Serialize(s.Final)).Distinct().ToList();
                    Assert.True(finals.Count == 1, $"item {group.Key} has {finals.Count} different finals in the stream: {string.Join(" | ", finals)}");
                    Assert.All(group, s => Assert.Equal(PipelineItemState.Final, s.State));
                    Assert.Equal("moderation-heavy", group.First().Final!.Model);
                }
            }

            // A surviving silo's GET agrees with the stream.
            foreach (var item in streamed.DistinctBy(s => s.Id))
            {
                using var get = await http[0].GetAsync($"v1/pipelines/failover/items/{item.Id}");
                var stored = JsonDocument.Parse(await get.Content.ReadAsStringAsync()).RootElement.GetProperty("final");
                Assert.Equal(item.Final!.FinishedAt, stored.GetProperty("finished_at").GetDateTime().ToUniversalTime());
                Assert.Equal(item.Final.Decision.ToString().ToLowerInvariant(), stored.GetProperty("decision").GetString());
                Assert.Equal(item.Final.Model, stored.GetProperty("model").GetString());
            }
        }
        finally
        {
            await watching.CancelAsync();
            foreach (var h in http)
            {
                h.Dispose();
            }

            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    private static async Task<string?> StateAsync(HttpClient http, string id)
    {
        using var get = await http.GetAsync($"v1/pipelines/failover/items/{id}");
        return JsonDocument.Parse(await get.Content.ReadAsStringAsync()).RootElement.GetProperty("state").GetString();
    }

    private static string Streamed(List<PipelineItem> streamed)
    {
        lock (streamed)
        {
            return string.Join(", ", streamed.Select(s => s.Id));
        }
    }
}
