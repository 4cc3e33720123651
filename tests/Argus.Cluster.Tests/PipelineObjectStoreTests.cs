using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.Testing;
using Xunit.Abstractions;

namespace Argus.Cluster.Tests;

/// <summary>
/// A pipeline on object stores, on real servers started on loopback (s3rver, Azurite) and a real silo with Redis grain
/// storage: it watches an <c>s3://</c> prefix (listed in pages of two) and keeps submitted images in an <c>az://</c> archive;
/// every object becomes one item, also across a <c>kill -9</c> of the silo with new objects put while it was down.
/// </summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class PipelineObjectStoreTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Container = "argus-pipelines";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private readonly string _root = Directory.CreateTempSubdirectory("argus-objstore-pipeline-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_pipeline_watching_an_s3_prefix_takes_each_object_once_across_a_kill_and_archives_to_azure()
    {
        await using var s3 = await S3rver.StartAsync();
        await using var azure = await Azurite.StartAsync();
        await using var redis = await RedisServer.StartAsync();
        await s3.CreateContainerAsync(Container);
        await azure.CreateContainerAsync(Container);
        var images = ImageWarehouse.Create(Path.Combine(_root, "in"), 9);
        var before = await s3.UploadAsync(Container, "in", Path.Combine(_root, "in"), images.Take(6));
        var settings = new Dictionary<string, string>(s3.SiloSettings.Concat(azure.SiloSettings))
        {
            ["Argus__Redis"] = redis.ConnectionString,
            ["Argus__Jobs__WatchSeconds"] = "0.5",
            ["Argus__Jobs__WatchSettleSeconds"] = "0.5",
            ["Argus__ObjectStores__ListPageSize"] = "2",
        };
        var spec = $$$"""
            {"fast_model": "moderation-fast", "fast_rule": {"block": {"Porn": 0.9}, "review": {"Porn": 0.4}},
             "heavy_model": "moderation-heavy", "heavy_rule": {"block": {"Porn": 0.7}}, "heavy_items": "all",
             "watch": "{{{s3.Location(Container, "in")}}}", "archive": "{{{azure.Location(Container, "kept")}}}"}
            """;

        var silo = await SiloProcess.StartAsync("pipe-store-0", settings, TimeSpan.FromMinutes(2));
        try
        {
            using (var http = Http(silo))
            {
                // A location StoreLocation refuses is a 400 with the reason.
                var (refused, why) = await SendAsync(http, HttpMethod.Put, "v1/pipelines/stored",
                    new StringContent(spec.Replace("s3://argus-pipelines", "s3://Not_A_Bucket", StringComparison.Ordinal), Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.BadRequest, refused);
                Assert.Contains("bucket 'Not_A_Bucket'", why, StringComparison.Ordinal);

                Assert.Equal(HttpStatusCode.Created, (await SendAsync(http, HttpMethod.Put, "v1/pipelines/stored", new StringContent(spec, Encoding.UTF8, "application/json"))).Status);
                await ItemsAsync(http, 6, silo);

                // A submitted image is kept in the Azure archive, whole, and the item says where.
                var photo = TestData.Image("apple.jpg");
                var content = new ByteArrayContent(photo);
                content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                var (created, posted) = await SendAsync(http, HttpMethod.Post, "v1/pipelines/stored/items?item=posted", content);
                Assert.Equal(HttpStatusCode.Created, created);
                Assert.Equal(azure.Location(Container, "kept/posted"), JsonDocument.Parse(posted).RootElement.GetProperty("image").GetString());
                Assert.Equal(photo, await azure.GetAsync(Container, "kept/posted"));
            }

            silo.Kill();
            await silo.WaitForExitAsync();
            await silo.DisposeAsync();
            var after = await s3.UploadAsync(Container, "in", Path.Combine(_root, "in"), images.Skip(6));
            silo = await SiloProcess.StartAsync("pipe-store-0", settings, TimeSpan.FromMinutes(2));

            using var restarted = Http(silo);
            var items = await ItemsAsync(restarted, 6 + 3 + 1, silo);
            var watched = items.Where(i => i.GetProperty("id").GetString() != "posted").ToList();
            Assert.Equal(before.Concat(after).Order(StringComparer.Ordinal), watched.Select(i => i.GetProperty("image").GetString()).Order(StringComparer.Ordinal));
            Assert.Equal(watched.Count, watched.Select(i => i.GetProperty("id").GetString()).Distinct().Count());
            Assert.All(watched, i => Assert.Equal("final", i.GetProperty("state").GetString()));
            output.WriteLine(string.Join('\n', watched.Select(i => $"{i.GetProperty("id")} {i.GetProperty("image")}")));
        }
        finally
        {
            await silo.DisposeAsync();
        }
    }

    private static HttpClient Http(SiloProcess silo) => new() { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Waits until the pipeline has <paramref name="count"/> items, none pending, and answers each in full.</summary>
    private static async Task<IReadOnlyList<JsonElement>> ItemsAsync(HttpClient http, int count, SiloProcess silo)
    {
        var last = "";
        List<string> ids = [];
        await Eventually.HoldsAsync(async () =>
        {
            var (status, body) = await SendAsync(http, HttpMethod.Get, "v1/pipelines/stored/items");
            last = $"{(int)status} {body}";
            if (status != HttpStatusCode.OK)
            {
                return false;
            }

            var entries = JsonDocument.Parse(body).RootElement.GetProperty("items").EnumerateArray().ToList();
            ids = [.. entries.Select(e => e.GetProperty("id").GetString()!)];
            return entries.Count == count && entries.All(e => e.GetProperty("state").GetString() != "pending");
        }, Timeout, $"{count} items, none pending (last answer: {last}; the silo's log: {silo.Log})");

        var items = new List<JsonElement>();
        foreach (var id in ids)
        {
            var (_, body) = await SendAsync(http, HttpMethod.Get, $"v1/pipelines/stored/items/{id}");
            items.Add(JsonDocument.Parse(body).RootElement.Clone());
        }

        return items;
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient http, HttpMethod method, string path, HttpContent? content = null)
    {
        using var response = await http.SendAsync(new HttpRequestMessage(method, path) { Content = content });
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
