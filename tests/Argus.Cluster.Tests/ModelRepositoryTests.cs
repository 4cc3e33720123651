using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Argus.Testing;

namespace Argus.Cluster.Tests;

/// <summary>
/// The model repository on a real two-silo Redis cluster: a version loaded through one silo is served by both, a silo
/// that restarts loads it again from the repository's grain storage, so does a silo started after the whole cluster
/// stopped (with the model's rollout), and an unload takes it from every silo and from the rollout.
/// </summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class ModelRepositoryTests
{
    private const string Model = "text-direction";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private const string Definition = """
        {
          "version": "cluster-2",
          "path": "ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx",
          "task": "Classification",
          "labelsPath": "labels/text-direction.txt",
          "topK": 2,
          "softmax": false,
          "preprocess": { "width": 192, "height": 48, "resize": "PadRight", "channels": "Bgr", "mean": [127.5, 127.5, 127.5], "std": [127.5, 127.5, 127.5] },
          "batching": { "maxBatchSize": 4 }
        }
        """;

    [Fact]
    public async Task A_version_loaded_through_one_silo_is_served_by_every_silo_and_by_silos_that_restart()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string> { ["Argus__Redis"] = redis.ConnectionString };
        List<SiloProcess> silos = [];
        try
        {
            silos.AddRange(await Task.WhenAll(
                SiloProcess.StartAsync("repo-0", settings, TimeSpan.FromMinutes(2)), SiloProcess.StartAsync("repo-1", settings, TimeSpan.FromMinutes(2))));
            using var first = Http(silos[0]);

            using var load = await first.PostAsync($"v2/repository/models/{Model}/load", new StringContent(Definition, Encoding.UTF8, "application/json"));
            Assert.True(load.IsSuccessStatusCode, await load.Content.ReadAsStringAsync());

            // The answer came once both silos' devices serve it: each silo answers calls that name it at once.
            Assert.Equal(["repo-0", "repo-1"], ReadySilos(await IndexAsync(first)));
            foreach (var silo in silos)
            {
                using var http = Http(silo);
                Assert.Equal("cluster-2", await InferVersionAsync(http));
            }

            // repo-1 dies and comes back: it reads the repository from Redis and loads the version again.
            silos[1].Kill();
            await silos[1].WaitForExitAsync();
            await silos[1].DisposeAsync();
            silos[1] = await SiloProcess.StartAsync("repo-1", settings, TimeSpan.FromMinutes(2));
            using (var restarted = Http(silos[1]))
            {
                // Until the grains of the killed silo are back elsewhere, the index may answer 503: ask again.
                var last = "";
                await Eventually.HoldsAsync(async () =>
                {
                    using var index = await restarted.GetAsync("v2/repository/index");
                    last = $"{(int)index.StatusCode} {await index.Content.ReadAsStringAsync()}";
                    return index.IsSuccessStatusCode && ReadySilos(JsonNode.Parse(last[4..])!.AsArray()).Contains("repo-1");
                }, Timeout, $"the restarted silo to serve cluster-2 (the index: {last}; its log: {silos[1].Log[^Math.Min(silos[1].Log.Length, 3000)..]})");
                Assert.Equal("cluster-2", await InferVersionAsync(restarted));
            }

            // The whole cluster stops and one silo starts: the repository and the rollout come back from Redis.
            using (var rollout = await first.PutAsync($"v1/models/{Model}/rollout",
                new StringContent("""{"canary": "cluster-2", "canary_percent": 50}""", Encoding.UTF8, "application/json")))
            {
                Assert.True(rollout.IsSuccessStatusCode, await rollout.Content.ReadAsStringAsync());
            }

            foreach (var silo in silos)
            {
                silo.Kill();
                await silo.WaitForExitAsync();
                await silo.DisposeAsync();
            }

            silos.Clear();
            silos.Add(await SiloProcess.StartAsync("repo-0", settings, TimeSpan.FromMinutes(2)));
            using var alone = Http(silos[0]);
            await Eventually.HoldsAsync(async () =>
            {
                using var index = await alone.GetAsync("v2/repository/index");
                return index.IsSuccessStatusCode && ReadySilos(JsonNode.Parse(await index.Content.ReadAsStringAsync())!.AsArray()).SequenceEqual(["repo-0"]);
            }, Timeout, "the silo started alone to serve cluster-2");
            var kept = JsonNode.Parse(await alone.GetStringAsync($"v1/models/{Model}/rollout"))!["rollout"]!;
            Assert.Equal(("cluster-2", 50.0), (kept["canary"]!.GetValue<string>(), kept["canary_percent"]!.GetValue<double>()));

            using var unload = await alone.PostAsync($"v2/repository/models/{Model}/unload",
                new StringContent("""{"version": "cluster-2"}""", Encoding.UTF8, "application/json"));
            Assert.True(unload.IsSuccessStatusCode, await unload.Content.ReadAsStringAsync());
            Assert.DoesNotContain(await IndexAsync(alone), e => e!["version"]!.GetValue<string>() == "cluster-2");
            using var gone = await InferAsync(alone);
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Null(JsonNode.Parse(await alone.GetStringAsync($"v1/models/{Model}/rollout"))!["rollout"]!["canary"]);
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    private static HttpClient Http(SiloProcess silo) => new() { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    private static async Task<JsonArray> IndexAsync(HttpClient http) => JsonNode.Parse(await http.GetStringAsync("v2/repository/index"))!.AsArray();

    /// <summary>The silos whose devices have cluster-2 warm, by the index.</summary>
    private static IReadOnlyList<string> ReadySilos(JsonArray index) =>
        [.. index.Where(e => e!["version"]!.GetValue<string>() == "cluster-2" && e["state"]!.GetValue<string>() == "READY")
            .SelectMany(e => e!["devices"]!.AsArray().Select(d => d!.GetValue<string>().Split('/')[0])).Distinct().Order()];

    private static async Task<HttpResponseMessage> InferAsync(HttpClient http)
    {
        using var content = new ByteArrayContent(TestData.Image("imageTextN.png"));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return await http.PostAsync($"v1/models/{Model}/infer?version=cluster-2", content);
    }

    private static async Task<string> InferVersionAsync(HttpClient http)
    {
        using var response = await InferAsync(http);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return body["version"]!.GetValue<string>();
    }
}
