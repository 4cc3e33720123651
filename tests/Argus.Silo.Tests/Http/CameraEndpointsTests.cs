using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.Testing;

namespace Argus.Silo.Tests.Http;

/// <summary>Cameras over HTTP against a real silo process with the real models.</summary>
public sealed class CameraEndpointsTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private static readonly string Video = Path.Combine(TestData.ImagesDir, "vtest.avi");

    private HttpClient Http => fixture.Http!;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static ByteArrayContent Image(byte[] bytes, string type = "image/jpeg")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    private async Task<JsonElement> GetAsync(string path) =>
        JsonDocument.Parse(await Http.GetStringAsync(path)).RootElement.Clone();

    private async Task<long> AnalysedAsync(string camera) =>
        (await GetAsync($"v1/cameras/{camera}")).GetProperty("stats").GetProperty("analysed").GetInt64();

    private sealed record ErrorAnswer(HttpStatusCode Status, string Code, string Message);

    private static async Task<ErrorAnswer> ErrorOf(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
            return new ErrorAnswer(response.StatusCode, error.GetProperty("code").GetString()!, error.GetProperty("message").GetString()!);
        }
    }

    [Fact]
    public async Task A_camera_fed_from_the_pedestrian_video_analyses_it_and_alerts_on_the_scene_change_over_sse()
    {
        // Measured on vtest.avi with ResNet18 at 5 fps: the distance from the running baseline is 0.02–0.04 while the
        // street is empty and 0.07–0.14 once people walk in (about a second into the video), so 0.06 on 2 of 3 frames
        // raises an alert within the first seconds whichever frames are sampled.
        using var put = await Http.PutAsync("v1/cameras/street", Json($$"""
            {"source": "{{Video}}", "models": ["resnet18"], "target_fps": 5, "latency_target_ms": 5000,
             "rules": [{"name": "people", "kind": "scene_change", "model": "resnet18", "threshold": 0.06, "k": 2, "n": 3}]}
            """));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("/v1/cameras/street", put.Headers.Location?.ToString());
        var created = JsonDocument.Parse(await put.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("scene_change", created.GetProperty("config").GetProperty("rules")[0].GetProperty("kind").GetString());

        // Last-Event-ID 0: alerts raised before this request are replayed, so the test cannot miss the first one.
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/cameras/street/alerts");
        request.Headers.Add("Last-Event-ID", "0");
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var events = new EventStreamReader(await response.Content.ReadAsStreamAsync());
        var (id, _, alert) = await events.NextAsync("alert", TimeSpan.FromSeconds(60));

        Assert.Equal("1", id);
        Assert.Equal(("street", "people", "scene_change", 1), (
            alert.GetProperty("camera").GetString(), alert.GetProperty("rule").GetString(), alert.GetProperty("kind").GetString(),
            alert.GetProperty("sequence").GetInt32()));
        Assert.InRange(alert.GetProperty("score").GetDouble(), 0.06, 2);
        Assert.Contains("the scene changed", alert.GetProperty("message").GetString());
        Assert.True(alert.GetProperty("raised_at").GetDateTime() >= alert.GetProperty("captured_at").GetDateTime());

        // The file is read at its own 10 fps and analysed at the target 5: about every other frame is left out.
        await Eventually.HoldsAsync(async () => await AnalysedAsync("street") >= 10, TimeSpan.FromSeconds(60), "ten analysed frames");
        var stats = (await GetAsync("v1/cameras/street")).GetProperty("stats");
        Assert.Equal(0, stats.GetProperty("failed").GetInt64());
        Assert.True(stats.GetProperty("skipped").GetInt64() > 0, stats.ToString());
        Assert.True(stats.GetProperty("received").GetInt64() >= 1.5 * stats.GetProperty("analysed").GetInt64(), stats.ToString());
        Assert.True(stats.GetProperty("p50_ms").GetDouble() > 0, stats.ToString());
        Assert.True(stats.GetProperty("alerts").GetInt64() >= 1);
        Assert.Equal("http-0", stats.GetProperty("silo").GetString());
        Assert.True(stats.TryGetProperty("newest_analysed", out _));

        using var delete = await Http.DeleteAsync("v1/cameras/street");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    [Fact]
    public async Task An_alert_links_its_incident_which_becomes_ready_with_the_frames_around_it_and_the_summary_models_results()
    {
        // The scene-change rule of the test above fires about a second into vtest.avi; the file is read at its 10 fps, so
        // the ring of 45 frames holds the 2 s before the alert, and the 2 s after are written out as they come.
        using (var put = await Http.PutAsync("v1/cameras/crossing", Json($$$"""
            {"source": "{{{Video}}}", "models": ["resnet18"], "target_fps": 5, "latency_target_ms": 5000,
             "rules": [{"name": "people", "kind": "scene_change", "model": "resnet18", "threshold": 0.06, "k": 2, "n": 3}],
             "incident": {"model": "text-detection", "before_s": 2, "after_s": 2, "ring_frames": 45}}
            """)))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/cameras/crossing/alerts");
        request.Headers.Add("Last-Event-ID", "0");
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var events = new EventStreamReader(await response.Content.ReadAsStreamAsync());
        var (_, _, alert) = await events.NextAsync("alert", TimeSpan.FromSeconds(60));
        var link = alert.GetProperty("incident").GetString();
        Assert.Equal("/v1/cameras/crossing/incidents/1", link);
        Assert.Contains((await GetAsync(link![1..])).GetProperty("state").GetString(), new[] { "pending", "ready" });

        var incident = default(JsonElement);
        await Eventually.HoldsAsync(async () => (incident = await GetAsync(link[1..])).GetProperty("state").GetString() == "ready",
            TimeSpan.FromSeconds(120), "the incident to be ready");
        var summary = incident.GetProperty("summary");
        var alertAt = alert.GetProperty("captured_at").GetDateTime();
        Assert.Equal(("crossing", 1, "people", "text-detection", "4"), (summary.GetProperty("camera").GetString(), summary.GetProperty("alert").GetInt32(),
            summary.GetProperty("rule").GetString(), summary.GetProperty("model").GetString(), summary.GetProperty("version").GetString()));
        Assert.Equal(alertAt, summary.GetProperty("captured_at").GetDateTime());
        var frames = summary.GetProperty("frames").EnumerateArray().ToArray();
        var (before, after) = (summary.GetProperty("frames_before").GetInt32(), summary.GetProperty("frames_after").GetInt32());
        Assert.True(before > 0 && after > 0, summary.ToString());
        Assert.Equal(before + after, frames.Length);
        Assert.Equal(frames.Select(f => f.GetProperty("captured_at").GetDateTime()).Order(), frames.Select(f => f.GetProperty("captured_at").GetDateTime()));
        Assert.All(frames, f => Assert.InRange(f.GetProperty("captured_at").GetDateTime(), alertAt.AddSeconds(-2), alertAt.AddSeconds(2)));
        Assert.True(frames[0].GetProperty("offset_ms").GetDouble() < 0 && frames[^1].GetProperty("offset_ms").GetDouble() > 0);
        Assert.All(frames, f => Assert.False(f.GetProperty("result").TryGetProperty("error", out var e) && e.ValueKind != JsonValueKind.Null, f.ToString()));
        Assert.All(frames, f => Assert.Equal(JsonValueKind.Array, f.GetProperty("result").GetProperty("detections").ValueKind));

        // Each frame is served as the camera received it: the JPEG the connector encoded.
        var file = frames[0].GetProperty("file").GetString()!;
        Assert.Equal($"frame-{frames[0].GetProperty("captured_at").GetDateTime().ToUniversalTime():yyyyMMdd'T'HHmmss'.'fffffff'Z'}.jpg", file);
        using (var jpeg = await Http.GetAsync($"{link[1..]}/frames/{file}"))
        {
            Assert.Equal(HttpStatusCode.OK, jpeg.StatusCode);
            Assert.Equal("image/jpeg", jpeg.Content.Headers.ContentType?.MediaType);
            Assert.Equal([0xFF, 0xD8, 0xFF], (await jpeg.Content.ReadAsByteArrayAsync())[..3]);
        }

        // The ring stays within its bound however long the camera runs.
        for (var samples = 0; samples < 10; samples++)
        {
            var stats = (await GetAsync("v1/cameras/crossing")).GetProperty("stats");
            Assert.InRange(stats.GetProperty("ring_frames").GetInt32(), 1, 45);
            Assert.True(stats.GetProperty("ring_bytes").GetInt64() > 0);
            await Task.Delay(TimeSpan.FromMilliseconds(300));
        }

        Assert.Equal("unknown_incident", (await ErrorOf(await Http.GetAsync("v1/cameras/crossing/incidents/999"))).Code);
        Assert.Equal("unknown_incident", (await ErrorOf(await Http.GetAsync("v1/cameras/crossing/incidents/first"))).Code);
        Assert.Equal("unknown_incident", (await ErrorOf(await Http.GetAsync($"{link[1..]}/frames/summary.json"))).Code);
        Assert.Equal("unknown_incident", (await ErrorOf(await Http.GetAsync($"{link[1..]}/frames/..%2F..%2F1%2Fsummary.json"))).Code);
        Assert.Equal("unknown_camera", (await ErrorOf(await Http.GetAsync("v1/cameras/nope/incidents/1"))).Code);

        using var delete = await Http.DeleteAsync("v1/cameras/crossing");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    [Fact]
    public async Task A_bad_incident_configuration_is_400_listing_every_problem()
    {
        var problems = await ErrorOf(await Http.PutAsync("v1/cameras/junction", Json("""
            {"models": ["resnet18"],
             "incident": {"model": "text-detection", "version": "9", "before_s": 31, "after_s": -1, "ring_frames": 0, "ring_mib": 1000, "befor_s": 1}}
            """)));

        Assert.Equal((HttpStatusCode.BadRequest, "bad_input"), (problems.Status, problems.Code));
        Assert.Contains("incident: unknown field 'befor_s'", problems.Message);
        Assert.Contains("'text-detection' has no version '9'", problems.Message);
        Assert.Contains("incident.before_s must be between 0 and 30 (is 31)", problems.Message);
        Assert.Contains("incident.after_s must be between 0 and 30 (is -1)", problems.Message);
        Assert.Contains("incident.ring_frames must be between 1 and 1000", problems.Message);
        Assert.Contains("incident.ring_mib must be between 1 and 256", problems.Message);
        Assert.Contains("incident.model: unknown model 'nope'",
            (await ErrorOf(await Http.PutAsync("v1/cameras/junction", Json("""{"models": ["resnet18"], "incident": {"model": "nope"}}""")))).Message);
        Assert.Equal(HttpStatusCode.NotFound, (await ErrorOf(await Http.GetAsync("v1/cameras/junction"))).Status);
    }

    [Fact]
    public async Task Adding_and_removing_a_camera_at_run_time_leaves_another_cameras_analysis_running()
    {
        using (var put = await Http.PutAsync("v1/cameras/steady", Json($$"""{"source": "{{Video}}", "loop": true, "models": ["resnet18"], "target_fps": 3, "latency_target_ms": 5000}""")))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        await Eventually.HoldsAsync(async () => await AnalysedAsync("steady") >= 3, TimeSpan.FromSeconds(60), "the steady camera to analyse");
        var before = await GetAsync("v1/cameras/steady");

        using (var put = await Http.PutAsync("v1/cameras/passing", Json($$"""{"source": "{{Video}}", "models": ["resnet18", "text-detection"], "target_fps": 2, "latency_target_ms": 5000}""")))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        await Eventually.HoldsAsync(async () => await AnalysedAsync("passing") >= 2, TimeSpan.FromSeconds(60), "the passing camera to analyse");
        var cameras = (await GetAsync("v1/cameras")).EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToArray();
        Assert.Contains("steady", cameras);
        Assert.Contains("passing", cameras);
        using (var delete = await Http.DeleteAsync("v1/cameras/passing"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        var removed = await ErrorOf(await Http.GetAsync("v1/cameras/passing"));
        Assert.Equal((HttpStatusCode.NotFound, "unknown_camera"), (removed.Status, removed.Code));
        var atRemoval = await AnalysedAsync("steady");
        await Eventually.HoldsAsync(async () => await AnalysedAsync("steady") >= atRemoval + 3, TimeSpan.FromSeconds(60),
            "the steady camera to go on analysing");
        var after = await GetAsync("v1/cameras/steady");
        Assert.Equal(before.GetProperty("config").ToString(), after.GetProperty("config").ToString());
        Assert.Equal(0, after.GetProperty("stats").GetProperty("failed").GetInt64());
        Assert.True(after.GetProperty("stats").GetProperty("analysed").GetInt64() > before.GetProperty("stats").GetProperty("analysed").GetInt64());
        Assert.DoesNotContain("passing", (await GetAsync("v1/cameras")).EnumerateArray().Select(c => c.GetProperty("id").GetString()));

        using var end = await Http.DeleteAsync("v1/cameras/steady");
    }

    [Fact]
    public async Task Pushed_frames_answer_what_became_of_them()
    {
        using (var put = await Http.PutAsync("v1/cameras/door", Json("""{"models": ["text-direction"], "target_fps": 2, "latency_target_ms": 60000}""")))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        using (var again = await Http.PutAsync("v1/cameras/door", Json("""{"models": ["text-direction"], "target_fps": 2, "latency_target_ms": 60000}""")))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode); // changed, not added
        }

        var t0 = DateTime.UtcNow.AddSeconds(-10);
        async Task<string> PushAsync(DateTime capturedAt)
        {
            using var content = Image(TestData.Image("imageTextN.png"), "image/png");
            content.Headers.Add("X-Argus-Captured-At", capturedAt.ToString("O"));
            using var response = await Http.PostAsync("v1/cameras/door/frames", content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("outcome").GetString()!;
        }

        Assert.Equal("accepted", await PushAsync(t0));
        Assert.Equal("skipped", await PushAsync(t0.AddMilliseconds(100))); // 2 fps: one frame per 500 ms
        Assert.Equal("stale", await PushAsync(t0.AddMilliseconds(-1)));
        Assert.Equal("accepted", await PushAsync(t0.AddSeconds(1)));
        await Eventually.HoldsAsync(async () => await AnalysedAsync("door") == 2, TimeSpan.FromSeconds(30), "both accepted frames to be analysed");

        var stats = (await GetAsync("v1/cameras/door")).GetProperty("stats");
        Assert.Equal((4, 1, 1), (stats.GetProperty("received").GetInt64(), stats.GetProperty("skipped").GetInt64(), stats.GetProperty("dropped").GetInt64()));
        Assert.Equal(t0.AddSeconds(1), stats.GetProperty("newest_analysed").GetDateTime().ToUniversalTime());

        using var end = await Http.DeleteAsync("v1/cameras/door");
    }

    [Theory]
    [InlineData("file:///etc/passwd", "The video file '/etc/passwd' lies outside the camera roots (Argus:Storage:CameraRoots)")]
    [InlineData("/etc/passwd", "The video file '/etc/passwd' lies outside the camera roots")]
    [InlineData("/dev/video0", "The video file '/dev/video0' lies outside the camera roots")]
    [InlineData("/tmp/../etc/passwd", "has a '..' segment")]
    [InlineData("ftp://camera.local/x.avi", "scheme 'ftp' is not supported")]
    [InlineData("data:video/avi;base64,AAAA", "scheme 'data' is not supported")]
    [InlineData("concat:/tmp/a.avi|/etc/passwd", "scheme 'concat' is not supported")]
    [InlineData("subfile,,start,0,end,0,,:/etc/passwd", "scheme 'subfile' is not supported")]
    public async Task A_source_outside_the_camera_roots_or_of_another_scheme_is_400_and_no_camera_is_made(string source, string reason)
    {
        var refused = await ErrorOf(await Http.PutAsync("v1/cameras/escape", Json(JsonSerializer.Serialize(new { source, models = new[] { "resnet18" } }))));

        Assert.Equal((HttpStatusCode.BadRequest, "bad_input"), (refused.Status, refused.Code));
        Assert.Contains(reason, refused.Message);
        Assert.Equal(HttpStatusCode.NotFound, (await ErrorOf(await Http.GetAsync("v1/cameras/escape"))).Status);
    }

    [Fact]
    public async Task Bad_requests_get_a_clear_error_and_the_silo_carries_on()
    {
        using (var put = await Http.PutAsync("v1/cameras/gate", Json("""{"models": ["resnet18"], "latency_target_ms": 5000}""")))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        async Task<ErrorAnswer> Put(string id, HttpContent content) => await ErrorOf(await Http.PutAsync($"v1/cameras/{id}", content));

        var notJson = await Put("gate", new StringContent("{}", Encoding.UTF8, "text/plain"));
        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "bad_input"), (notJson.Status, notJson.Code));
        Assert.Equal(HttpStatusCode.BadRequest, (await Put("gate", Json("""{"models": ["resnet18"],"""))).Status);
        Assert.Contains("'targetFps'", (await Put("gate", Json("""{"models": ["resnet18"], "targetFps": 5}"""))).Message);
        Assert.Contains("camera id 'bad id'", (await Put("bad%20id", Json("""{"models": ["resnet18"]}"""))).Message);
        Assert.Equal(HttpStatusCode.BadRequest, (await Put("gate", Json("""{"models": ["resnet18"], "lane": "urgent"}"""))).Status);
        var problems = await Put("gate", Json("""
            {"source": "/no/such.avi", "models": ["nope"], "max_in_flight": 0,
             "rules": [{"name": "r", "kind": "detection", "model": "resnet18", "threshold": 0.5, "k": 1, "n": 1}]}
            """));
        Assert.Equal(HttpStatusCode.BadRequest, problems.Status);
        Assert.Contains("'/no/such.avi' lies outside the camera roots", problems.Message);
        Assert.Contains("unknown model 'nope'", problems.Message);
        Assert.Contains("max_in_flight", problems.Message);
        Assert.Contains("rule 'r'", problems.Message);

        // A misspelt field is one problem among the others, not the only one reported.
        var misspelt = await Put("gate", Json("""
            {"models": ["nope"], "target_fps": 0, "max_inflight": 2,
             "rules": [{"name": "r", "kind": "detection", "model": "nope", "threshold": 0.5, "k": 3, "n": 2}]}
            """));
        Assert.Equal(HttpStatusCode.BadRequest, misspelt.Status);
        Assert.Contains("unknown field 'max_inflight' (did you mean 'max_in_flight'?)", misspelt.Message);
        Assert.Contains("target_fps must be at least 0.001", misspelt.Message);
        Assert.Contains("unknown model 'nope'", misspelt.Message);
        Assert.Contains("needs 1 ≤ K ≤ N", misspelt.Message);
        var duplicate = await Put("gate", Json("""{"models": ["resnet18"], "models": ["resnet18"], "source": "\ud800"}"""));
        Assert.Contains("models: the field is given twice.", duplicate.Message);
        Assert.Contains("source: the string is not valid UTF-16", duplicate.Message);

        // Ids no camera can have (only whitespace, a control character, too long) are refused before any grain is asked.
        foreach (var id in new[] { "%20", "%20%20%09", "a%01b", new string('x', 65) })
        {
            Assert.Contains("must be 1 to 64", (await Put(id, Json("""{"models": ["resnet18"]}"""))).Message);
            Assert.Equal(HttpStatusCode.NotFound, (await ErrorOf(await Http.GetAsync($"v1/cameras/{id}"))).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await ErrorOf(await Http.DeleteAsync($"v1/cameras/{id}"))).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await ErrorOf(await Http.GetAsync($"v1/cameras/{id}/alerts"))).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await ErrorOf(await Http.PostAsync($"v1/cameras/{id}/frames", Image(TestData.Image("apple.jpg"))))).Status);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await ErrorOf(await Http.GetAsync("v1/cameras/nope"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await ErrorOf(await Http.DeleteAsync("v1/cameras/nope"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await ErrorOf(await Http.GetAsync("v1/cameras/nope/alerts"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await ErrorOf(await Http.PostAsync("v1/cameras/nope/frames", Image(TestData.Image("apple.jpg"))))).Status);

        async Task<ErrorAnswer> Push(HttpContent content)
        {
            // Expect: 100-continue, as careful clients send large bodies: a body refused by its length is never sent.
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/cameras/gate/frames") { Content = content };
            request.Headers.ExpectContinue = true;
            return await ErrorOf(await Http.SendAsync(request));
        }

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Push(new StringContent("hello"))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Push(Image([]))).Status);
        Assert.Contains("Truncated JPEG", (await Push(Image(TestData.TruncatedJpeg()))).Message);
        Assert.Contains("50000×50000", (await Push(Image(TestData.DecompressionBomb(), "image/png"))).Message);
        Assert.Contains("height of -2147483648", (await Push(Image(TestData.Bmp(10, int.MinValue), "image/bmp"))).Message);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Push(Image(new byte[SiloFixture.MaxRequestBytes + 1]))).Status);
        using (var lateHeader = Image(TestData.Image("apple.jpg")))
        {
            lateHeader.Headers.Add("X-Argus-Captured-At", "yesterday");
            Assert.Contains("ISO 8601", (await Push(lateHeader)).Message);
        }

        using (var future = Image(TestData.Image("apple.jpg")))
        {
            future.Headers.Add("X-Argus-Captured-At", DateTime.UtcNow.AddHours(1).ToString("O"));
            Assert.Contains("after this silo's clock", (await Push(future)).Message);
        }

        // After all that, the camera still takes a good frame.
        using var good = await Http.PostAsync("v1/cameras/gate/frames", Image(TestData.Image("apple.jpg")));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        await Eventually.HoldsAsync(async () => await AnalysedAsync("gate") == 1, TimeSpan.FromSeconds(30), "the good frame to be analysed");
        var stats = (await GetAsync("v1/cameras/gate")).GetProperty("stats");
        Assert.Equal((1, 0), (stats.GetProperty("received").GetInt64(), stats.GetProperty("failed").GetInt64()));

        using var end = await Http.DeleteAsync("v1/cameras/gate");
    }
}
