using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Argus.Silo.Tests.Telemetry;
using Argus.Testing;
using OpenCvSharp;

namespace Argus.Silo.Tests.Http;

public sealed class InferenceEndpointsTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private HttpClient Http => fixture.Http!;

    private static ByteArrayContent Body(byte[] data, string type = "image/jpeg")
    {
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    private async Task<(HttpStatusCode Status, JsonElement Json, HttpResponseMessage Response)> PostAsync(string path, HttpContent content)
    {
        // Expect: 100-continue, as careful clients send large bodies: a body refused by its length is never sent.
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.ExpectContinue = true;
        var response = await Http.SendAsync(request);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, json, response);
    }

    private async Task AssertGoodRequestSucceeds()
    {
        var (status, json, _) = await PostAsync("v1/models/resnet18/infer", Body(TestData.Image("apple.jpg")));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(512, json.GetProperty("results")[0].GetProperty("embedding").GetArrayLength());
    }

    [Fact]
    public async Task A_jpeg_body_returns_a_unit_length_embedding_with_its_timings()
    {
        var (status, json, _) = await PostAsync("v1/models/resnet18/infer?lane=realtime", Body(TestData.Image("apple.jpg")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("resnet18", json.GetProperty("model").GetString());
        Assert.Contains(json.GetProperty("device").GetString(), (await fixture.Silo!.GetDevicesAsync()).Select(d => d.Key));
        var result = json.GetProperty("results")[0];
        var embedding = result.GetProperty("embedding").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(1.0, Math.Sqrt(embedding.Sum(v => v * v)), 3);
        Assert.True(result.GetProperty("compute_ms").GetDouble() > 0);
        Assert.True(result.GetProperty("batch_size").GetInt32() >= 1);
    }

    [Fact]
    public async Task The_classifier_returns_its_two_labels()
    {
        var (status, json, _) = await PostAsync("v1/models/text-direction/infer", Body(TestData.Image("imageTextN.png"), "image/png"));

        Assert.Equal(HttpStatusCode.OK, status);
        var classes = json.GetProperty("results")[0].GetProperty("classes").EnumerateArray().ToArray();
        Assert.Equal(["0", "180"], classes.Select(c => c.GetProperty("label").GetString()).Order());
        Assert.Equal(1.0, classes.Sum(c => c.GetProperty("score").GetDouble()), 3);
    }

    // Both default moderation models are sure of these two (each top-1 scores above 0.8 on its own input size): a photo
    // of a baboon's face is Neutral, the Blender monkey, a 3D rendering, a Drawing. On other photos they may disagree
    // (apple.jpg: the fast one leans Porn at 0.6, the heavy one is sure of Neutral), which is what a heavy tier is for.
    [Theory]
    [InlineData("baboon.jpg", "Neutral")]
    [InlineData("Blender_Suzanne1.jpg", "Drawing")]
    public async Task The_fast_and_heavy_moderation_models_score_the_five_labels_and_agree_on_a_clear_image(string photo, string label)
    {
        foreach (var model in new[] { "moderation-fast", "moderation-heavy" })
        {
            var (status, json, _) = await PostAsync($"v1/models/{model}/infer", Body(TestData.Image(photo)));

            Assert.Equal(HttpStatusCode.OK, status);
            var classes = json.GetProperty("results")[0].GetProperty("classes").EnumerateArray()
                .Select(c => (Label: c.GetProperty("label").GetString(), Score: c.GetProperty("score").GetDouble())).ToArray();
            Assert.Equal(["Drawing", "Hentai", "Neutral", "Porn", "Sexy"], classes.Select(c => c.Label).Order());
            Assert.Equal(1.0, classes.Sum(c => c.Score), 3);
            Assert.True(classes.MaxBy(c => c.Score).Label == label, $"{model} on {photo}: {string.Join(", ", classes)}");
        }
    }

    [Fact]
    public async Task The_text_detector_returns_boxes_in_the_photo_s_pixels_and_an_empty_list_for_a_blank_image()
    {
        using var white = new Mat(480, 640, MatType.CV_8UC3, Scalar.All(255));
        using var form = new MultipartFormDataContent
        {
            { Body(TestData.Image("board.jpg")), "images", "board.jpg" },
            { Body(white.ImEncode(".png"), "image/png"), "images", "blank.png" },
        };

        var (status, json, _) = await PostAsync("v1/models/text-detection/infer", form);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("4", json.GetProperty("version").GetString());
        var results = json.GetProperty("results");
        var boxes = results[0].GetProperty("detections").EnumerateArray().ToArray();
        Assert.True(boxes.Length >= 5, results[0].ToString());
        Assert.All(boxes, b =>
        {
            var (x, y, w, h) = (b.GetProperty("x").GetSingle(), b.GetProperty("y").GetSingle(), b.GetProperty("width").GetSingle(), b.GetProperty("height").GetSingle());
            Assert.True(x >= 0 && y >= 0 && x + w <= 640 && y + h <= 480 && w > 0 && h > 0, b.ToString());
            Assert.InRange(b.GetProperty("score").GetSingle(), 0.6f, 1f);
            var polygon = b.GetProperty("polygon").EnumerateArray().ToArray();
            Assert.Equal(4, polygon.Length);
            Assert.All(polygon, p => Assert.InRange(p.GetProperty("x").GetSingle(), x, x + w));
        });
        // The "CREATIVE" logo on the board's big chip, around (420, 362).
        Assert.Contains(boxes, b => b.GetProperty("x").GetSingle() is > 370 and < 420 && b.GetProperty("y").GetSingle() is > 340 and < 362);
        Assert.Empty(results[1].GetProperty("detections").EnumerateArray());
    }

    [Fact]
    public async Task Multipart_images_are_answered_each_on_its_own_and_a_bad_one_fails_alone()
    {
        using var form = new MultipartFormDataContent
        {
            { Body(TestData.Image("apple.jpg")), "images", "apple.jpg" },
            { Body(TestData.TruncatedJpeg()), "images", "broken.jpg" },
            { Body(TestData.Image("baboon.jpg")), "images", "baboon.jpg" },
        };

        var (status, json, _) = await PostAsync("v1/models/resnet18/infer", form);

        Assert.Equal(HttpStatusCode.OK, status);
        var results = json.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(["apple.jpg", "broken.jpg", "baboon.jpg"], results.Select(r => r.GetProperty("name").GetString()));
        Assert.True(results[0].TryGetProperty("embedding", out _));
        Assert.Equal("bad_input", results[1].GetProperty("error").GetProperty("code").GetString());
        Assert.True(results[2].TryGetProperty("embedding", out _));
    }

    public static TheoryData<string, byte[], string, HttpStatusCode, string> BadRequests => new()
    {
        { "resnet18", TestData.DecompressionBomb(), "image/png", HttpStatusCode.BadRequest, "50000×50000" },
        { "resnet18", TestData.TruncatedJpeg(), "image/jpeg", HttpStatusCode.BadRequest, "Truncated JPEG" },
        { "resnet18", [], "image/jpeg", HttpStatusCode.BadRequest, "empty" },
        { "resnet18", Encoding.UTF8.GetBytes("not an image at all"), "image/jpeg", HttpStatusCode.BadRequest, "Not a supported image" },
        { "resnet18", Encoding.UTF8.GetBytes("hello"), "text/plain", HttpStatusCode.UnsupportedMediaType, "text/plain" },
        { "no-such-model", TestData.Image("apple.jpg"), "image/jpeg", HttpStatusCode.NotFound, "Unknown model" },
        { "resnet18", TestData.Bmp(10, int.MinValue), "image/bmp", HttpStatusCode.BadRequest, "height of -2147483648" },
        { "resnet18", TestData.Image("apple.jpg"), "multipart/form-data", HttpStatusCode.BadRequest, "needs a boundary" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_gets_its_status_and_a_reason_and_the_next_request_succeeds(
        string model, byte[] body, string type, HttpStatusCode expected, string reason)
    {
        var (status, json, _) = await PostAsync($"v1/models/{model}/infer", Body(body, type));

        Assert.Equal(expected, status);
        Assert.Contains(reason, json.GetProperty("error").GetProperty("message").GetString());
        await AssertGoodRequestSucceeds();
    }

    [Fact]
    public async Task A_bmp_declaring_a_height_of_minus_two_to_the_31_fails_alone_beside_a_good_image()
    {
        using var form = new MultipartFormDataContent
        {
            { Body(TestData.Bmp(10, int.MinValue), "image/bmp"), "images", "absurd.bmp" },
            { Body(TestData.Image("apple.jpg")), "images", "apple.jpg" },
        };

        var (status, json, _) = await PostAsync("v1/models/resnet18/infer", form);

        Assert.Equal(HttpStatusCode.OK, status);
        var results = json.GetProperty("results");
        Assert.Contains("height of -2147483648", results[0].GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(512, results[1].GetProperty("embedding").GetArrayLength());
    }

    public static TheoryData<string, string, string> BrokenMultipart => new()
    {
        { "multipart/form-data; boundary=other", "--b0\r\nContent-Disposition: form-data; name=\"i\"; filename=\"a.jpg\"\r\n\r\nAAAA\r\n--b0--\r\n", "closing boundary '--other--'" },
        { "multipart/form-data; boundary=b0", "--b0\r\nContent-Disposition: form-data; name=\"i\"; filename=\"a.jpg\"\r\n\r\nAA", "ends before its closing boundary" },
        { "multipart/form-data; boundary=b0", "--b0\r\nContent-Disposition: form-data; name=\"i\"; filename=\"a.jpg\"\r\n\r\nAAAA\r\n--b0\r\n", "ends before its closing boundary" },
        { "multipart/form-data; boundary=", "--\r\n", "needs a boundary" },
    };

    [Theory]
    [MemberData(nameof(BrokenMultipart))]
    public async Task A_multipart_body_that_breaks_its_own_content_type_is_a_400_with_the_reason(string type, string body, string reason)
    {
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", type);

        var (status, json, _) = await PostAsync("v1/models/resnet18/infer", content);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, json.GetProperty("error").GetProperty("message").GetString());
        await AssertGoodRequestSucceeds();
    }

    [Theory]
    [InlineData("?timeout_ms=NaN", null)]
    [InlineData("?timeout_ms=Infinity", null)]
    [InlineData("?timeout_ms=-5", null)]
    [InlineData("", "NaN")]
    public async Task A_timeout_that_is_not_a_positive_number_is_a_400(string query, string? header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/models/resnet18/infer" + query) { Content = Body(TestData.Image("apple.jpg")) };
        if (header is not null)
        {
            request.Headers.Add("X-Argus-Timeout-Ms", header);
        }

        using var response = await Http.SendAsync(request);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("timeout_ms must be a positive number", json.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_path_or_method_the_api_lacks_answers_the_v1_error_body()
    {
        using var missing = await Http.GetAsync("v1/no-such-thing");
        using var method = await Http.DeleteAsync("v1/models");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("not_found", JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, method.StatusCode);
        Assert.Equal("method_not_allowed", JsonDocument.Parse(await method.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_and_the_next_request_succeeds()
    {
        var (status, json, _) = await PostAsync("v1/models/resnet18/infer", Body(new byte[SiloFixture.MaxRequestBytes + 1]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("limit", json.ToString());
        await AssertGoodRequestSucceeds();
    }

    [Fact]
    public async Task A_deadline_that_cannot_be_met_is_a_429_with_retry_after()
    {
        var (status, json, response) = await PostAsync("v1/models/resnet18/infer?timeout_ms=1", Body(TestData.Image("apple.jpg")));

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal("overloaded", json.GetProperty("results")[0].GetProperty("error").GetProperty("code").GetString());
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        await AssertGoodRequestSucceeds();
    }

    [Fact]
    public async Task An_unknown_lane_is_a_400()
    {
        var (status, json, _) = await PostAsync("v1/models/resnet18/infer?lane=urgent", Body(TestData.Image("apple.jpg")));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Unknown lane", json.ToString());
    }

    [Fact]
    public async Task Models_devices_health_and_the_dashboard_answer()
    {
        var models = await Http.GetFromJsonAsync<JsonElement>("v1/models");
        Assert.Equal(["moderation-fast", "moderation-heavy", "resnet18", "text-detection", "text-direction"], models.EnumerateArray().Select(m => m.GetProperty("name").GetString()).Order());

        var device = (await Http.GetFromJsonAsync<JsonElement>("v1/devices"))[0];
        // cpu0 here, cuda0 where CUDA loads: whatever the silo found, named after its kind.
        Assert.Matches($@"^http-0/{device.GetProperty("kind").GetString()}\d+$", device.GetProperty("key").GetString());
        Assert.EndsWith("ExecutionProvider", device.GetProperty("execution_provider").GetString());
        Assert.True(device.GetProperty("ready").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("readyz")).StatusCode);
        var dashboard = await Http.GetAsync("dashboard/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("html", (await dashboard.Content.ReadAsStringAsync()).ToLowerInvariant());
    }

    [Fact]
    public async Task Without_api_keys_metrics_are_open_and_label_the_device_and_its_models()
    {
        var (status, json, _) = await PostAsync("v1/models/text-direction/infer", Body(TestData.Image("apple.jpg")));
        Assert.Equal(HttpStatusCode.OK, status);
        var device = (await fixture.Silo!.GetDevicesAsync()).Single(d => d.Key == json.GetProperty("device").GetString());

        var samples = PrometheusText.Parse(await Http.GetStringAsync("metrics"));

        Assert.Contains(samples, s => s.Name == "argus_inference_items_total" && s.Value >= 1 && s.Has(
            ("model", "text-direction"), ("version", "2.0"), ("device", device.Name), ("device_kind", device.Kind), ("lane", "interactive"), ("outcome", "success")));
        Assert.Contains(samples, s => s.Name == "argus_device_busy_time_seconds_total" && s.Has(("device", device.Name), ("device_kind", device.Kind)));
        Assert.Contains(samples, s => s.Name == "http_server_request_duration_seconds_count"); // ASP.NET Core's own
        Assert.Contains(samples, s => s.Name.StartsWith("orleans_", StringComparison.Ordinal)); // Orleans' own
    }
}
