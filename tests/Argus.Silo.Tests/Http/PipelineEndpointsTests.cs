using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.Silo.Tests.Telemetry;
using Argus.Testing;

namespace Argus.Silo.Tests.Http;

/// <summary>Two-tier pipelines on a real silo with the default moderation models.</summary>
public sealed class PipelineEndpointsTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    // The fast model leans Porn at 0.6 on apple.jpg (review here), the heavy one is sure it is Neutral (allow); both
    // are sure baboon.jpg is Neutral (allow, and not sent on).
    private const string Moderation = """
        {"fast_model": "moderation-fast", "fast_rule": {"block": {"Porn": 0.9}, "review": {"Porn": 0.4, "Sexy": 0.6}},
         "heavy_model": "moderation-heavy", "heavy_rule": {"block": {"Porn": 0.7}, "review": {"Porn": 0.3}},
         "heavy_items": "review", "deadline_s": 600, "fast_p95_ms": 300}
        """;

    private HttpClient Http => fixture.Http!;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static ByteArrayContent Image(byte[] data, string type = "image/jpeg")
    {
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    private async Task<(HttpStatusCode Status, JsonElement Json)> SendAsync(HttpMethod method, string path, HttpContent? content = null, string? key = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string Message(JsonElement error) => error.GetProperty("error").GetProperty("message").GetString()!;

    private static Dictionary<string, double> Scores(JsonElement result) =>
        result.GetProperty("scores").EnumerateArray().ToDictionary(s => s.GetProperty("label").GetString()!, s => s.GetProperty("score").GetDouble());

    [Fact]
    public async Task A_pipeline_is_created_read_listed_replaced_and_removed()
    {
        var (created, view) = await SendAsync(HttpMethod.Put, "v1/pipelines/crud", Json(Moderation));
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("crud", view.GetProperty("id").GetString());
        // The rules' labels come back as the model names them.
        Assert.Equal(0.9, view.GetProperty("spec").GetProperty("fast_rule").GetProperty("block").GetProperty("Porn").GetDouble());

        var (read, got) = await SendAsync(HttpMethod.Get, "v1/pipelines/crud");
        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Equal("moderation-heavy", got.GetProperty("spec").GetProperty("heavy_model").GetString());
        Assert.Equal("review", got.GetProperty("spec").GetProperty("heavy_items").GetString());

        var (_, list) = await SendAsync(HttpMethod.Get, "v1/pipelines");
        Assert.Contains("crud", list.EnumerateArray().Select(p => p.GetProperty("id").GetString()));

        var (replaced, changed) = await SendAsync(HttpMethod.Put, "v1/pipelines/crud",
            Json(Moderation.Replace("\"deadline_s\": 600", "\"deadline_s\": 60, \"retention_days\": 7", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.OK, replaced);
        Assert.Equal(60, changed.GetProperty("spec").GetProperty("deadline_s").GetDouble());
        Assert.Equal(7, changed.GetProperty("spec").GetProperty("retention_days").GetDouble());

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, "v1/pipelines/crud")).Status);
        var (gone, error) = await SendAsync(HttpMethod.Get, "v1/pipelines/crud");
        Assert.Equal(HttpStatusCode.NotFound, gone);
        Assert.Equal("unknown_pipeline", error.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, "v1/pipelines/crud")).Status);
        Assert.DoesNotContain("crud", (await SendAsync(HttpMethod.Get, "v1/pipelines")).Json.EnumerateArray().Select(p => p.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Every_problem_of_a_spec_is_listed_in_one_400()
    {
        var (status, error) = await SendAsync(HttpMethod.Put, "v1/pipelines/bad", Json("""
            {"fast_model": "no-such-model", "fast_rule": {},
             "heavy_model": "moderation-heavy", "heavy_rule": {"block": {"Gore": 0.5, "Porn": 1.5}},
             "heavy_items": "review", "heavy_sample": -0.5, "deadline_s": 0, "webhook": "file:///etc/passwd",
             "retention_days": -1}
            """));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var message = Message(error);
        Assert.All(
            [
                "fast_model: unknown model 'no-such-model'.",
                "heavy_rule.block: 'Gore' is not a label of model 'moderation-heavy' (its labels: Drawing, Hentai, Neutral, Porn, Sexy).",
                "heavy_rule.block.Porn: the threshold must be 0 to 1 (is 1.5).",
                "heavy_sample must be 0 to 1 (is -0.5).",
                "deadline_s must be above 0 and at most 604800 (is 0).",
                "webhook 'file:///etc/passwd' must be an absolute http:// or https:// URL.",
                "retention_days must be above 0 and at most 3650 (is -1).",
            ],
            p => Assert.Contains(p, message));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "v1/pipelines/bad")).Status);

        foreach (var body in new[] { "{", "[]", "{\"deadline_s\": 1e999}", "{\"fast_rule\": {\"block\": {\"Porn\": \"high\"}}}", "{\"fast_rule\": []}" })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Put, "v1/pipelines/bad", Json(body))).Status);
        }
    }

    [Fact]
    public async Task Hundreds_of_mutated_specs_over_http_are_answered_2xx_or_4xx_never_5xx()
    {
        var original = Encoding.UTF8.GetBytes(Moderation);
        var random = new Random(1414);
        for (var i = 0; i < 300; i++)
        {
            var body = JsonMutations.Mutate(original, random);
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var (status, answer) = await SendAsync(HttpMethod.Put, "v1/pipelines/fuzzed", content);
            Assert.True((int)status < 500, $"mutation {i} (seed 1414): {(int)status} {answer}\n{Encoding.UTF8.GetString(body)}");
        }
    }

    [Fact]
    public async Task An_item_gets_the_fast_models_provisional_decision_now_and_the_heavy_models_final_one_later()
    {
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Put, "v1/pipelines/tiers", Json(Moderation))).Status);

        var (status, item) = await SendAsync(HttpMethod.Post, "v1/pipelines/tiers/items", Image(TestData.Image("apple.jpg")), key: "apple-1");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("apple-1", item.GetProperty("id").GetString());
        var provisional = item.GetProperty("provisional");
        Assert.Equal("moderation-fast", provisional.GetProperty("model").GetString());
        Assert.Equal("4.3.0", provisional.GetProperty("version").GetString());
        Assert.InRange(Scores(provisional)["Porn"], 0.4, 0.9);
        Assert.Equal("review", provisional.GetProperty("decision").GetString());
        Assert.True(item.GetProperty("heavy").GetBoolean());

        JsonElement final = default;
        await Eventually.HoldsAsync(async () =>
        {
            var (_, stored) = await SendAsync(HttpMethod.Get, "v1/pipelines/tiers/items/apple-1");
            final = stored;
            return stored.GetProperty("state").GetString() == "final";
        }, TimeSpan.FromSeconds(60), "the apple's final result");
        var heavy = final.GetProperty("final");
        Assert.Equal("moderation-heavy", heavy.GetProperty("model").GetString());
        Assert.True(Scores(heavy)["Neutral"] > 0.9, heavy.ToString());
        Assert.Equal("allow", heavy.GetProperty("decision").GetString());
        Assert.Equal(provisional.ToString(), final.GetProperty("provisional").ToString());
        // The fast tier runs in the interactive lane, the heavy tier in the batch lane.
        var samples = PrometheusText.Parse(await Http.GetStringAsync("metrics"));
        Assert.Contains(samples, m => m.Name == "argus_inference_items_total" && m.Value >= 1 && m.Has(("model", "moderation-fast"), ("lane", "interactive")));
        Assert.Contains(samples, m => m.Name == "argus_inference_items_total" && m.Value >= 1 && m.Has(("model", "moderation-heavy"), ("lane", "batch")));
        Assert.DoesNotContain(samples, m => m.Name == "argus_inference_items_total" && m.Has(("model", "moderation-heavy"), ("lane", "interactive")));

        // Not sent on: the provisional decision is final at once.
        var (_, baboon) = await SendAsync(HttpMethod.Post, "v1/pipelines/tiers/items?item=baboon-1", Image(TestData.Image("baboon.jpg")));
        Assert.Equal("final", baboon.GetProperty("state").GetString());
        Assert.False(baboon.GetProperty("heavy").GetBoolean());
        Assert.Equal("allow", baboon.GetProperty("final").GetProperty("decision").GetString());
        Assert.Equal("moderation-fast", baboon.GetProperty("final").GetProperty("model").GetString());
    }

    [Fact]
    public async Task The_same_key_twice_is_one_item_decided_once()
    {
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Put, "v1/pipelines/once", Json(Moderation))).Status);

        var (first, item) = await SendAsync(HttpMethod.Post, "v1/pipelines/once/items", Image(TestData.Image("baboon.jpg")), key: "same");
        var (second, again) = await SendAsync(HttpMethod.Post, "v1/pipelines/once/items?item=same", Image(TestData.Image("apple.jpg")));

        Assert.Equal(HttpStatusCode.Created, first);
        Assert.Equal(HttpStatusCode.OK, second);
        // The stored item, with the times of the one fast call: the second image was never inferred.
        Assert.Equal(item.ToString(), again.ToString());
        Assert.Equal("Neutral", Scores(again.GetProperty("provisional")).MaxBy(s => s.Value).Key);

        var (conflict, error) = await SendAsync(HttpMethod.Post, "v1/pipelines/once/items?item=a", Image(TestData.Image("baboon.jpg")), key: "b");
        Assert.Equal(HttpStatusCode.BadRequest, conflict);
        Assert.Contains("name different items", Message(error));

        var (generated, fresh) = await SendAsync(HttpMethod.Post, "v1/pipelines/once/items", Image(TestData.Image("baboon.jpg")));
        Assert.Equal(HttpStatusCode.Created, generated);
        Assert.NotEqual("same", fresh.GetProperty("id").GetString());
    }

    [Fact]
    public async Task An_image_that_is_not_one_is_stored_as_failed_with_its_reason_and_answered_400()
    {
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Put, "v1/pipelines/failing", Json(Moderation))).Status);

        var (status, error) = await SendAsync(HttpMethod.Post, "v1/pipelines/failing/items", Image("not an image"u8.ToArray()), key: "text");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("bad_input", error.GetProperty("error").GetProperty("code").GetString());
        var (_, stored) = await SendAsync(HttpMethod.Get, "v1/pipelines/failing/items/text");
        Assert.Equal("failed", stored.GetProperty("state").GetString());
        Assert.Equal("bad_input", stored.GetProperty("error").GetProperty("kind").GetString());
        Assert.Contains(stored.GetProperty("error").GetProperty("message").GetString()!, Message(error));

        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "v1/pipelines/failing/items/never")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Post, "v1/pipelines/no-pipeline/items", Image(TestData.Image("baboon.jpg")))).Status);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await SendAsync(HttpMethod.Post, "v1/pipelines/failing/items", Json("{}"))).Status);

        // Multipart as v1 infer reads it: one file is an item, two are refused.
        using var one = new MultipartFormDataContent { { Image(TestData.Image("baboon.jpg")), "image", "baboon.jpg" } };
        var (single, multipart) = await SendAsync(HttpMethod.Post, "v1/pipelines/failing/items?item=form", one);
        Assert.Equal(HttpStatusCode.Created, single);
        Assert.Equal("allow", multipart.GetProperty("provisional").GetProperty("decision").GetString());
        using var two = new MultipartFormDataContent
        {
            { Image(TestData.Image("baboon.jpg")), "image", "a.jpg" },
            { Image(TestData.Image("apple.jpg")), "image", "b.jpg" },
        };
        var (refused, reason) = await SendAsync(HttpMethod.Post, "v1/pipelines/failing/items?item=forms", two);
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal("An item is one image; the body holds 2.", Message(reason));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "v1/pipelines/failing/items/forms")).Status);
    }

    [Fact]
    public async Task Items_are_listed_by_state_and_submit_window_and_paged_each_once_in_submit_order()
    {
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Put, "v1/pipelines/listed", Json(Moderation))).Status);
        var before = DateTime.UtcNow.AddSeconds(-1);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "v1/pipelines/listed/items", Image(TestData.Image("apple.jpg")), key: "apple")).Status);
        string[] baboons = ["b-0", "b-1", "b-2", "b-3", "b-4"];
        foreach (var key in baboons)
        {
            Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "v1/pipelines/listed/items", Image(TestData.Image("baboon.jpg")), key: key)).Status);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, "v1/pipelines/listed/items", Image("not an image"u8.ToArray()), key: "text")).Status);
        var window = $"from={Iso(before)}&to={Iso(DateTime.UtcNow.AddSeconds(1))}";

        // Items are indexed just after they are stored; the apple is listed pending until the heavy tier decides, then final.
        List<string> appleStates = [];
        JsonElement all = default;
        await Eventually.HoldsAsync(async () =>
        {
            (_, all) = await SendAsync(HttpMethod.Get, $"v1/pipelines/listed/items?{window}");
            if (Entries(all).FirstOrDefault(e => e.GetProperty("id").GetString() == "apple") is { ValueKind: JsonValueKind.Object } apple
                && apple.GetProperty("state").GetString() is { } state && (appleStates.Count == 0 || appleStates[^1] != state))
            {
                appleStates.Add(state);
            }

            return appleStates.LastOrDefault() == "final" && Entries(all).Count() == 7;
        }, TimeSpan.FromSeconds(60), "the apple listed as final beside the other six items");
        Assert.True(appleStates is ["final"] or ["pending", "final"], string.Join(", ", appleStates));
        Assert.True(all.GetProperty("next").ValueKind == JsonValueKind.Null);
        var apple = Entries(all).Single(e => e.GetProperty("id").GetString() == "apple");
        Assert.Equal("review", apple.GetProperty("provisional").GetString());
        Assert.Equal("allow", apple.GetProperty("final").GetString());
        Assert.True(apple.GetProperty("finished_at").GetDateTime() >= apple.GetProperty("submitted_at").GetDateTime());
        var order = Entries(all).Select(e => (e.GetProperty("submitted_at").GetDateTime(), e.GetProperty("id").GetString()!)).ToList();
        Assert.Equal(order.OrderBy(e => e.Item1).ThenBy(e => e.Item2, StringComparer.Ordinal), order);

        var (_, failed) = await SendAsync(HttpMethod.Get, $"v1/pipelines/listed/items?state=failed&{window}");
        Assert.Equal(["text"], Ids(failed));
        var (_, final) = await SendAsync(HttpMethod.Get, $"v1/pipelines/listed/items?state=final&{window}");
        Assert.Equal(["apple", .. baboons], Ids(final).Order(StringComparer.Ordinal));
        Assert.Empty(Ids((await SendAsync(HttpMethod.Get, $"v1/pipelines/listed/items?state=pending&{window}")).Json));
        // The default window is the last hour.
        Assert.Equal(7, Ids((await SendAsync(HttpMethod.Get, "v1/pipelines/listed/items")).Json).Count);

        // Pages of two, each item once, in the order of the whole listing.
        List<string> paged = [];
        string? next = null;
        var pages = 0;
        do
        {
            var (status, page) = await SendAsync(HttpMethod.Get, $"v1/pipelines/listed/items?{window}&limit=2" + (next is null ? "" : $"&after={Uri.EscapeDataString(next)}"));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.InRange(Ids(page).Count, 0, 2);
            paged.AddRange(Ids(page));
            next = page.GetProperty("next").GetString();
            Assert.True(++pages <= 5, $"pages do not end: {string.Join(", ", paged)}");
        }
        while (next is not null);
        Assert.Equal(Ids(all), paged);

        // Bounds: a window that ends before the items or starts after them lists none.
        Assert.Empty(Ids((await SendAsync(HttpMethod.Get, $"v1/pipelines/listed/items?from={Iso(before.AddHours(-1))}&to={Iso(before)}")).Json));
        Assert.Empty(Ids((await SendAsync(HttpMethod.Get, $"v1/pipelines/listed/items?from={Iso(DateTime.UtcNow.AddSeconds(1))}&to={Iso(DateTime.UtcNow.AddMinutes(1))}")).Json));

        var (invalid, error) = await SendAsync(HttpMethod.Get, "v1/pipelines/listed/items?state=done&limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, invalid);
        Assert.Contains("state must be pending, final or failed (is 'done').", Message(error));
        Assert.Contains("limit must be a whole number from 1 to 1000 (is '0').", Message(error));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "v1/pipelines/no-pipeline/items")).Status);
    }

    [Fact]
    public async Task Each_items_final_lag_is_measured_per_pipeline_and_a_final_within_its_deadline_is_not_late()
    {
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Put, "v1/pipelines/lagging", Json(Moderation))).Status);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "v1/pipelines/lagging/items", Image(TestData.Image("apple.jpg")), key: "apple")).Status);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "v1/pipelines/lagging/items", Image(TestData.Image("baboon.jpg")), key: "baboon")).Status);
        await Eventually.HoldsAsync(async () => (await SendAsync(HttpMethod.Get, "v1/pipelines/lagging/items/apple")).Json.GetProperty("state").GetString() == "final",
            TimeSpan.FromSeconds(60), "the apple's final result");

        // The baboon was final at submit, the apple after the heavy tier: two lags, neither late, nothing left pending.
        var samples = PrometheusText.Parse(await Http.GetStringAsync("metrics"));
        Assert.Contains(samples, m => m.Name == "argus_pipeline_final_lag_seconds_count" && m.Value == 2 && m.Has(("pipeline", "lagging")));
        Assert.DoesNotContain(samples, m => m.Name == "argus_pipeline_final_late_total" && m.Value > 0 && m.Has(("pipeline", "lagging")));
        Assert.Contains(samples, m => m.Name == "argus_pipeline_pending" && m.Value == 0 && m.Has(("pipeline", "lagging")));
        Assert.Contains(samples, m => m.Name == "argus_pipeline_pending_oldest_age_seconds" && m.Value == 0 && m.Has(("pipeline", "lagging")));
        Assert.DoesNotContain("Pipeline lagging item apple is not final after", fixture.Silo!.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pending_item_past_half_its_deadline_is_warned_of_once_and_counted_pending_with_its_age()
    {
        // The heavy tier names a version that is unloaded once the pipeline is put: the apple stays pending, as behind a long batch queue.
        const string definition = """
            {"version": "risk-1", "path": "nsfwjs/mobilenet_v2.onnx", "task": "Classification", "labelsPath": "labels/moderation.txt", "softmax": false,
             "preprocess": {"width": 224, "height": 224, "resize": "Stretch", "channels": "Rgb", "std": [255, 255, 255]}}
            """;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "v2/repository/models/moderation-heavy/load", Json(definition))).Status);
        var spec = Moderation.Replace("\"heavy_model\": \"moderation-heavy\",", "\"heavy_model\": \"moderation-heavy\", \"heavy_version\": \"risk-1\",", StringComparison.Ordinal)
            .Replace("\"deadline_s\": 600", "\"deadline_s\": 1", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Put, "v1/pipelines/at-risk", Json(spec))).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "v2/repository/models/moderation-heavy/unload", Json("""{"version": "risk-1"}"""))).Status);

        var (submitted, item) = await SendAsync(HttpMethod.Post, "v1/pipelines/at-risk/items", Image(TestData.Image("apple.jpg")), key: "apple");
        Assert.Equal(HttpStatusCode.Created, submitted);
        Assert.Equal("pending", item.GetProperty("state").GetString());

        const string warning = "Pipeline at-risk item apple is not final after";
        try
        {
            await Eventually.HoldsAsync(() => Task.FromResult(fixture.Silo!.Log.Contains(warning, StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "the deadline-at-risk warning");
        }
        catch (TimeoutException e)
        {
            var now = (await SendAsync(HttpMethod.Get, "v1/pipelines/at-risk/items/apple")).Json;
            var lines = fixture.Silo!.Log.Split('\n').Where(l => l.Contains("at-risk", StringComparison.Ordinal) || l.Contains("risk-1", StringComparison.Ordinal));
            throw new TimeoutException($"{e.Message} The item: {now}\nIts log:\n{string.Join('\n', lines)}", e);
        }

        var samples = PrometheusText.Parse(await Http.GetStringAsync("metrics"));
        Assert.Contains(samples, m => m.Name == "argus_pipeline_pending" && m.Value == 1 && m.Has(("pipeline", "at-risk")));
        Assert.Contains(samples, m => m.Name == "argus_pipeline_pending_oldest_age_seconds" && m.Value >= 0.5 && m.Has(("pipeline", "at-risk")));
        Assert.Equal("pending", (await SendAsync(HttpMethod.Get, "v1/pipelines/at-risk/items/apple")).Json.GetProperty("state").GetString());
        Assert.Equal(1, fixture.Silo!.Log.Split(warning).Length - 1);
    }

    [Fact]
    public async Task A_watched_folders_images_become_items_each_once_and_one_that_is_not_an_image_a_failed_item()
    {
        var folder = Directory.CreateTempSubdirectory("argus-watch-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(folder, "baboon.jpg"), TestData.Image("baboon.jpg"));
            var spec = Moderation.Replace("\"deadline_s\"", $"\"watch\": \"{folder}\", \"deadline_s\"", StringComparison.Ordinal);
            var (created, view) = await SendAsync(HttpMethod.Put, "v1/pipelines/watched", Json(spec));
            Assert.Equal(HttpStatusCode.Created, created);
            Assert.Equal(folder, view.GetProperty("spec").GetProperty("watch").GetString());

            // Dropped in after the watch started: an image in a subfolder, a file that only claims to be one, and a file the watch does not take.
            Directory.CreateDirectory(Path.Combine(folder, "sub"));
            File.WriteAllBytes(Path.Combine(folder, "sub", "apple.jpg"), TestData.Image("apple.jpg"));
            File.WriteAllText(Path.Combine(folder, "broken.jpg"), "not an image");
            File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image either");

            JsonElement page = default;
            await Eventually.HoldsAsync(async () =>
            {
                (_, page) = await SendAsync(HttpMethod.Get, "v1/pipelines/watched/items");
                return Entries(page).Count() == 3 && Entries(page).All(e => e.GetProperty("state").GetString() != "pending");
            }, TimeSpan.FromSeconds(90), "the folder's three images listed, none pending");

            var items = Entries(page).ToDictionary(e => e.GetProperty("id").GetString()![..^17], e => e.GetProperty("id").GetString()!);
            Assert.Equal(["baboon.jpg", "broken.jpg", "sub_apple.jpg"], items.Keys.Order(StringComparer.Ordinal));
            var (_, baboon) = await SendAsync(HttpMethod.Get, $"v1/pipelines/watched/items/{items["baboon.jpg"]}");
            Assert.Equal("final", baboon.GetProperty("state").GetString());
            Assert.Equal(Path.Combine(folder, "baboon.jpg"), baboon.GetProperty("image").GetString());
            var (_, apple) = await SendAsync(HttpMethod.Get, $"v1/pipelines/watched/items/{items["sub_apple.jpg"]}");
            Assert.Equal("moderation-heavy", apple.GetProperty("final").GetProperty("model").GetString());
            var (_, broken) = await SendAsync(HttpMethod.Get, $"v1/pipelines/watched/items/{items["broken.jpg"]}");
            Assert.Equal("failed", broken.GetProperty("state").GetString());
            Assert.Equal("bad_input", broken.GetProperty("error").GetProperty("kind").GetString());
            Assert.False(string.IsNullOrWhiteSpace(broken.GetProperty("error").GetProperty("message").GetString()));


            // A watch that leaves the input roots is refused with the reason, and the watch carries on.
            var (refused, error) = await SendAsync(HttpMethod.Put, "v1/pipelines/watched", Json(spec.Replace(folder, "/etc", StringComparison.Ordinal)));
            Assert.Equal(HttpStatusCode.BadRequest, refused);
            Assert.Contains("/etc", Message(error), StringComparison.Ordinal);
            // Removing the pipeline stops its watch (its timer and reminder), as a PUT without a watch would.
            Assert.Single(fixture.Silo!.Log.Split('\n'), l => l.Contains("Pipeline watched watches", StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, "v1/pipelines/watched")).Status);
            await Eventually.HoldsAsync(() => Task.FromResult(fixture.Silo!.Log.Contains("Pipeline watched no longer watches a folder", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(10), "the watch stopped");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Iso(DateTime time) => Uri.EscapeDataString(time.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    private static IEnumerable<JsonElement> Entries(JsonElement page) => page.GetProperty("items").EnumerateArray();

    private static List<string> Ids(JsonElement page) => [.. Entries(page).Select(e => e.GetProperty("id").GetString()!)];
}
