using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.Testing;

namespace Argus.Silo.Tests.Http;

/// <summary>
/// A real silo process on one simulated device (the real models' shapes, no compute), whose rollouts judge a canary's
/// error rate after 10 items a side over a 30 s window.
/// </summary>
public sealed class VersionedSiloFixture : IAsyncLifetime
{
    public SiloProcess? Silo { get; private set; }

    public HttpClient? Http { get; private set; }

    public async Task InitializeAsync()
    {
        Silo = await SiloProcess.StartAsync("versions-0", new Dictionary<string, string>
        {
            ["Argus__Inference__Sim__Devices"] = "1",
            ["Argus__Rollout__MinItems"] = "10",
            ["Argus__Rollout__WindowSeconds"] = "30",
            // Only errors roll a canary back here: its versions are one model, and a loaded machine's latency noise
            // between them must not end a canary a test is still measuring.
            ["Argus__Rollout__LatencyFloorMs"] = "60000",
        });
        Http = new HttpClient { BaseAddress = Silo.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }
    }
}

/// <summary>
/// Versions loaded and unloaded at run time through the repository API, addressed by name, and routed by a model's
/// rollout: a canary sticky by route key, shadow copies never returned, an automatic rollback. Each test uses versions
/// of its own of <c>text-direction</c> (configured as v2.0) and sets the rollout it needs.
/// </summary>
public sealed class ModelVersionEndpointsTests(VersionedSiloFixture fixture) : IClassFixture<VersionedSiloFixture>
{
    internal const string Model = "text-direction";

    /// <summary>The version of <see cref="Model"/> the default configuration serves.</summary>
    internal const string Stable = "2.0";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private HttpClient Http => fixture.Http!;

    /// <summary>The configured version's entry as a definition of <paramref name="version"/>, with <paramref name="extra"/> fields.</summary>
    internal static string Definition(string version, string extra = "") => $$"""
        {
          "version": "{{version}}",
          "path": "ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx",
          "task": "Classification",
          "labelsPath": "labels/text-direction.txt",
          "topK": 2,
          "softmax": false,
          "preprocess": { "width": 192, "height": 48, "resize": "PadRight", "channels": "Bgr", "mean": [127.5, 127.5, 127.5], "std": [127.5, 127.5, 127.5] },
          "batching": { "maxBatchSize": 4, "maxDelayMs": 0 }{{extra}}
        }
        """;

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private async Task LoadAsync(string version, string extra = "")
    {
        var (status, body) = await SendAsync(HttpMethod.Post, $"v2/repository/models/{Model}/load", Definition(version, extra));
        Assert.True(status == HttpStatusCode.OK, $"load of v{version}: {(int)status} {body?.ToJsonString()}");
    }

    private async Task<HttpStatusCode> UnloadAsync(string version) =>
        (await SendAsync(HttpMethod.Post, $"v2/repository/models/{Model}/unload", $$"""{"version": "{{version}}"}""")).Status;

    private async Task SetRolloutAsync(string json)
    {
        var (status, body) = await SendAsync(HttpMethod.Put, $"v1/models/{Model}/rollout", json);
        Assert.True(status == HttpStatusCode.OK, $"rollout {json}: {(int)status} {body?.ToJsonString()}");
    }

    private async Task<IReadOnlyList<(string Name, string Version, string State)>> IndexAsync()
    {
        var (_, body) = await SendAsync(HttpMethod.Get, "v2/repository/index");
        return [.. body!.AsArray().Select(e => (e!["name"]!.GetValue<string>(), e["version"]!.GetValue<string>(), e["state"]!.GetValue<string>()))];
    }

    /// <summary>Infers one image; the version that answered, or the status when it failed.</summary>
    private async Task<(HttpStatusCode Status, string? Version)> InferAsync(string? routeKey = null, string? version = null)
    {
        var query = string.Join("&", new[] { routeKey is null ? null : $"route_key={routeKey}", version is null ? null : $"version={version}" }.OfType<string>());
        using var content = new ByteArrayContent(TestData.Image("imageTextN.png"));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var response = await Http.PostAsync($"v1/models/{Model}/infer?{query}", content);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (response.StatusCode, response.IsSuccessStatusCode ? body["version"]!.GetValue<string>() : null);
    }

    [Fact]
    public async Task A_version_loaded_at_run_time_serves_calls_that_name_it_and_unloads_again()
    {
        await SetRolloutAsync("{}");
        await LoadAsync("load-1");

        Assert.Contains((Model, "load-1", "READY"), await IndexAsync());
        Assert.Contains((Model, Stable, "READY"), await IndexAsync());
        Assert.Equal((HttpStatusCode.OK, "load-1"), await InferAsync(version: "load-1"));
        Assert.Equal((HttpStatusCode.OK, Stable), await InferAsync());
        var metadata = JsonNode.Parse(await Http.GetStringAsync($"v2/models/{Model}"))!;
        Assert.Contains("load-1", metadata["versions"]!.AsArray().Select(v => v!.GetValue<string>()));

        await LoadAsync("load-1"); // the same definition again: nothing to do
        Assert.Equal(HttpStatusCode.OK, await UnloadAsync("load-1"));

        Assert.DoesNotContain(await IndexAsync(), e => e.Version == "load-1");
        Assert.Equal(HttpStatusCode.NotFound, (await InferAsync(version: "load-1")).Status);
        Assert.Equal(HttpStatusCode.NotFound, await UnloadAsync("load-1"));
    }

    [Theory]
    [InlineData("""{"path": "ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx"}""", "version")]
    [InlineData("""{"version": "bad-1", "task": "Classification", "path": "ppocr/missing.onnx"}""", "missing.onnx")]
    [InlineData("""{"version": "bad-2", "task": "Classification", "path": "../appsettings.json"}""", "..")]
    [InlineData("""{"version": "bad-3", "task": "Classification", "path": "/etc/hostname"}""", "/etc/hostname")]
    [InlineData("""{"version": "bad-4", "task": "Classification", "path": "labels/text-direction.txt"}""", "labels/text-direction.txt")]
    [InlineData("""{"version": "bad-5", "path": "ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx", "maxBatchSize": 4}""", "maxBatchSize")]
    [InlineData("""{"version": "bad-6", "path": "ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx", "task": "Classification", "topK": 0}""", "TopK")]
    [InlineData("""[1, 2]""", "JSON")]
    [InlineData("""{"version": "bad-7", "name": "resnet18", "path": "ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx"}""", "resnet18")]
    public async Task A_bad_definition_is_refused_with_its_reason_and_leaves_nothing_behind(string json, string reason)
    {
        var before = await IndexAsync();

        var (status, body) = await SendAsync(HttpMethod.Post, $"v2/repository/models/{Model}/load", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, body!["error"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await IndexAsync());
    }

    [Fact]
    public async Task Conflicting_versions_and_rollouts_are_refused_with_their_reason()
    {
        await SetRolloutAsync("{}");
        await LoadAsync("conflict-1");

        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Post, $"v2/repository/models/{Model}/load", Definition("conflict-1", ", \"topK\": 1"))).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Post, $"v2/repository/models/{Model}/load", Definition(Stable))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Put, $"v1/models/{Model}/rollout", """{"canary": "conflict-1", "canary_percent": 150}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Put, $"v1/models/{Model}/rollout", """{"canary": "2.0", "canary_percent": 10}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Put, $"v1/models/{Model}/rollout", """{"canary_percent": -1}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Put, $"v1/models/{Model}/rollout", """{"canary": 3}""")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Put, $"v1/models/{Model}/rollout", """{"canary": "nope", "canary_percent": 10}""")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "v1/models/nope/rollout")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Post, $"v1/models/{Model}/rollout/promote")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await InferAsync(version: "nope")).Status);

        await SetRolloutAsync("""{"stable": "2.0"}""");
        Assert.Equal(HttpStatusCode.Conflict, await UnloadAsync(Stable));
        Assert.Equal(HttpStatusCode.OK, await UnloadAsync("conflict-1"));
        var (onlyVersion, body) = await SendAsync(HttpMethod.Post, "v2/repository/models/resnet18/unload", """{"version": "1"}""");
        Assert.Equal(HttpStatusCode.Conflict, onlyVersion);
        Assert.Contains("only version", body!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_canary_takes_its_share_of_route_keys_and_each_key_keeps_its_version()
    {
        await LoadAsync("canary-1");
        await SetRolloutAsync("""{"canary": "canary-1", "canary_percent": 20, "compare_percent": 0}""");
        var keys = Enumerable.Range(0, 200).Select(i => $"key-{i}").ToArray();

        var first = await VersionsAsync(keys);
        var second = await VersionsAsync(keys);

        var onCanary = first.Count(v => v.Value == "canary-1");
        Assert.True(onCanary is >= 30 and <= 50, $"{onCanary} of 200 keys on the canary: {string.Join(", ", first.Values.GroupBy(v => v).Select(g => $"{g.Key}: {g.Count()}"))}");
        Assert.Equal(first, second);

        await SetRolloutAsync("""{"canary": "canary-1", "canary_percent": 50, "compare_percent": 0}""");
        var raised = await VersionsAsync(keys);
        Assert.All(first.Where(p => p.Value == "canary-1"), p => Assert.Equal("canary-1", raised[p.Key]));
        Assert.True(raised.Count(v => v.Value == "canary-1") > onCanary);

        var (status, rollout) = await SendAsync(HttpMethod.Post, $"v1/models/{Model}/rollout/promote");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("canary-1", rollout!["stable"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await InferAsync(version: Stable)).Status); // the old stable stays loaded
        await SetRolloutAsync("""{"stable": "2.0"}""");
        Assert.Equal(HttpStatusCode.OK, await UnloadAsync("canary-1"));

        async Task<Dictionary<string, string>> VersionsAsync(string[] routeKeys)
        {
            Dictionary<string, string> versions = [];
            foreach (var key in routeKeys)
            {
                var (s, v) = await InferAsync(routeKey: key);
                Assert.Equal(HttpStatusCode.OK, s);
                versions[key] = v!;
            }

            return versions;
        }
    }

    [Fact]
    public async Task Shadow_copies_are_never_returned_and_are_counted_for_their_version()
    {
        await LoadAsync("shadow-1");
        await SetRolloutAsync("""{"stable": "2.0", "shadow": "shadow-1", "shadow_percent": 100}""");

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal((HttpStatusCode.OK, Stable), await InferAsync(routeKey: $"shadow-key-{i}"));
        }

        await Eventually.HoldsAsync(async () => Version(await CompareAsync(), "shadow-1")?["shadow_items"]!.GetValue<long>() >= 30, Timeout,
            $"30 shadow copies counted: {(await CompareAsync()).ToJsonString()}");
        var shadow = Version(await CompareAsync(), "shadow-1")!;
        Assert.Equal("shadow", shadow["role"]!.GetValue<string>());
        Assert.Equal(0, shadow["items"]!.GetValue<long>());
        Assert.True(shadow["agreement_items"]!.GetValue<long>() > 0, shadow.ToJsonString());
        Assert.True(Version(await CompareAsync(), Stable)!["items"]!.GetValue<long>() >= 30);

        await SetRolloutAsync("{}");
        Assert.Equal(HttpStatusCode.OK, await UnloadAsync("shadow-1"));
    }

    [Fact]
    public async Task A_canary_that_fails_every_item_is_rolled_back_automatically_with_its_figures()
    {
        await LoadAsync("failing-1", ", \"simProfile\": \"failing\"");
        await SetRolloutAsync("""{"stable": "2.0", "canary": "failing-1", "canary_percent": 50, "compare_percent": 0}""");

        var i = 0;
        await Eventually.HoldsAsync(async () =>
        {
            for (var n = 0; n < 10; n++)
            {
                await InferAsync(routeKey: $"rollback-{i++}");
            }

            return (await CompareAsync())["rollout"]!["canary"] is null;
        }, Timeout, "the failing canary rolled back");

        var history = (await CompareAsync())["rollout"]!["history"]!.AsArray();
        var last = history[^1]!;
        Assert.Equal("auto_rollback", last["kind"]!.GetValue<string>());
        Assert.Contains("error rate", last["message"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode.OK, Stable), await InferAsync(routeKey: "rollback-after"));
        await SetRolloutAsync("{}");
        Assert.Equal(HttpStatusCode.OK, await UnloadAsync("failing-1"));
    }

    [Fact]
    public async Task An_unload_while_calls_are_queued_answers_every_one_of_them()
    {
        await SetRolloutAsync("{}");
        // The measured CPU profile (about 20 ms an item): 40 calls queue for most of a second.
        await LoadAsync("drain-1", ", \"simProfile\": \"cpu-resnet18\"");
        var calls = Enumerable.Range(0, 40).Select(_ => InferAsync(version: "drain-1")).ToArray();
        await Eventually.HoldsAsync(async () => JsonNode.Parse(await Http.GetStringAsync("v1/devices"))!.AsArray()
            .Sum(d => d!["queue_depth"]!.AsObject().Sum(l => l.Value!.GetValue<int>())) > 0, Timeout, "calls queued at the version");

        Assert.Equal(HttpStatusCode.OK, await UnloadAsync("drain-1"));
        var answers = await Task.WhenAll(calls);

        // Each call was answered by the version, or refused as unknown once it was gone: none failed or hung.
        Assert.All(answers, a => Assert.True(a == (HttpStatusCode.OK, "drain-1") || a.Status == HttpStatusCode.NotFound, $"{a}"));
        Assert.Contains(answers, a => a.Status == HttpStatusCode.OK);
    }

    /// <summary>
    /// A seeded run of malformed repository and rollout requests (mutated definitions, unload and rollout bodies, odd
    /// versions, route keys and model names): every answer is a 2xx or a 4xx with its API's error body, never a 5xx,
    /// and nothing unhandled shows in the silo's log.
    /// </summary>
    [Fact]
    public async Task Malformed_repository_and_rollout_requests_answer_4xx_with_a_reason_never_5xx()
    {
        var random = new Random(13);
        // Not the configured 2.0: a valid unload of it would be right, and the other tests need it.
        string[] versions = ["fuzz-1", "fuzz-2", "", " ", "../x", "a/b", "%00", new('v', 65), "ü", "1e9"];
        string[] models = [Model, "resnet18", "nope", "%20", "..", new('m', 300)];
        var definition = Encoding.UTF8.GetBytes(Definition("fuzz-1"));
        var spec = Encoding.UTF8.GetBytes("""{"stable": "2.0", "canary": "fuzz-1", "canary_percent": 20, "shadow": "fuzz-2", "shadow_percent": 10, "compare_percent": 10}""");
        await LoadAsync("fuzz-2");
        await SetRolloutAsync("""{"stable": "2.0"}""");
        List<string> failures = [];
        for (var i = 0; i < 400; i++)
        {
            var version = Uri.EscapeDataString(versions[random.Next(versions.Length)]);
            var model = random.Next(4) == 0 ? models[random.Next(models.Length)] : Model;
            var (method, path, body) = (i % 6) switch
            {
                0 or 1 => (HttpMethod.Post, $"v2/repository/models/{model}/load", JsonMutations.Mutate(definition, random)),
                2 => (HttpMethod.Post, $"v2/repository/models/{model}/unload", JsonMutations.Mutate(Encoding.UTF8.GetBytes($$"""{"version": "{{version}}"}"""), random)),
                3 => (HttpMethod.Put, $"v1/models/{model}/rollout", JsonMutations.Mutate(spec, random)),
                4 => (random.Next(2) == 0 ? HttpMethod.Post : HttpMethod.Get, $"v1/models/{model}/rollout/{(random.Next(2) == 0 ? "promote" : "rollback")}",
                    random.Next(2) == 0 ? [] : JsonMutations.Mutate("""{"reason": "fuzz"}"""u8.ToArray(), random)),
                _ => (HttpMethod.Post, $"v1/models/{model}/infer?version={version}&route_key={Uri.EscapeDataString(versions[random.Next(versions.Length)])}", null),
            };
            using var request = new HttpRequestMessage(method, path);
            request.Content = body is null ? new ByteArrayContent(TestData.Image("imageTextN.png")) : new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(body is null ? "image/png" : "application/json");
            using var response = await Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            if (status >= 500 || status >= 400 && !HasErrorBody(text))
            {
                failures.Add($"#{i} {method} {path}: {status} {text[..Math.Min(text.Length, 300)]}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} answers broke the rule:\n{string.Join("\n", failures.Take(10))}\nThe silo's log:\n" +
            string.Join("\n", fixture.Silo!.Log.Split('\n').Where(l => l.Contains("xception", StringComparison.Ordinal)).Take(20)));
        await SetRolloutAsync("""{"stable": "2.0"}""");
        Assert.Equal((HttpStatusCode.OK, Stable), await InferAsync());
        Assert.DoesNotContain("nhandled exception", fixture.Silo!.Log, StringComparison.Ordinal);
        foreach (var (name, loaded, _) in await IndexAsync())
        {
            if (name == Model && loaded != Stable)
            {
                await UnloadAsync(loaded);
            }
        }

        // v1 answers {"error": {"code", "message"}}, v2 {"error": "message"}.
        static bool HasErrorBody(string text)
        {
            try
            {
                var error = JsonNode.Parse(text)!["error"];
                return error is JsonValue v ? v.GetValue<string>().Length > 0 : error!["message"]!.GetValue<string>().Length > 0;
            }
            catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException)
            {
                return false;
            }
        }
    }

    private async Task<JsonNode> CompareAsync() => JsonNode.Parse(await Http.GetStringAsync($"v1/models/{Model}/rollout"))!;

    private static JsonNode? Version(JsonNode comparison, string version) =>
        comparison["versions"]!.AsArray().FirstOrDefault(v => v!["version"]!.GetValue<string>() == version);
}
