using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.Cameras;
using Argus.Testing;
using OpenCvSharp;

namespace Argus.Silo.Tests.Http;

/// <summary>
/// A seeded run of thousands of malformed requests over every v1 surface (one image, multipart, camera configuration,
/// frames, camera ids, job specs, lanes and timeouts) against one real silo: every answer is a 2xx (where the damage
/// left a valid request) or a 4xx with the v1 error body, never a 5xx, nothing unhandled in the silo's log, and good
/// requests keep succeeding throughout.
/// </summary>
public sealed class MalformedRequestsTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private const int Seed = 2026;
    private const int Requests = 3000;

    private static readonly string[] ImageTypes = ["image/jpeg", "image/png", "image/bmp", "image/webp", "application/octet-stream", "text/plain", "image/jpeg; q=\"", ""];

    private static readonly string[] Ids = ["fuzz-a", "fuzz-b", "nope", " ", "%20%20", "%09", "a%01b", "a%2Fb", "..", "k%C3%A4mera", new('x', 65), new('y', 2000)];

    private static readonly string[] Timeouts = ["NaN", "nan", "Infinity", "-Infinity", "-1", "0", "1e400", "0.001", "abc", "", "1,5", "250", "600000000"];

    private static readonly string[] Lanes = ["realtime", "batch", "0", "7", "realtime,batch", "urgent", "INTERACTIVE", " "];

    private static readonly string[] CapturedAt = ["yesterday", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00Z", "NaN", "2026-01-01T00:00:00+99:00", "", "2026-13-45"];

    private HttpClient Http => fixture.Http!;

    [Fact]
    public async Task Thousands_of_malformed_requests_answer_4xx_with_a_reason_never_5xx_and_good_requests_keep_working()
    {
        using var small = Cv2.ImDecode(TestData.Image("apple.jpg"), ImreadModes.Color).Resize(new Size(64, 48));
        byte[][] images = [.. new[] { ".jpg", ".png", ".bmp", ".webp" }.Select(e => small.ImEncode(e))];
        var good = images[0];
        var camera = Encoding.UTF8.GetBytes("""
            {"models": ["resnet18"], "target_fps": 2, "max_in_flight": 1, "latency_target_ms": 5000,
             "rules": [{"name": "r", "kind": "scene_change", "model": "resnet18", "threshold": 0.5, "k": 2, "n": 4}]}
            """);
        var job = Encoding.UTF8.GetBytes("""
            {"id": "fuzz-job", "input": "/nonexistent/argus-fuzz/in", "model": "resnet18", "output": "/nonexistent/argus-fuzz/out",
             "batch_size": 8, "shard_size": 100, "video_fps": 1, "max_attempts": 2}
            """);
        using (var put = await Http.PutAsync("v1/cameras/fuzz-a", Json(camera)))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var random = new Random(Seed);
        var requests = Enumerable.Range(0, Requests).Select(i => Malformed(i, random, images, camera, job)).ToArray();
        var watch = Stopwatch.StartNew();
        var answers = new (int Status, string Body)[Requests];
        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, token) =>
        {
            using var request = requests[i]();
            try
            {
                using var response = await Http.SendAsync(request, token);
                answers[i] = ((int)response.StatusCode, await response.Content.ReadAsStringAsync(token));
            }
            catch (TaskCanceledException)
            {
                answers[i] = (0, $"no answer within {Http.Timeout.TotalSeconds} s");
            }

            if (i % 100 == 99)
            {
                await AssertGoodInferenceAsync(good);
            }
        });

        var failures = answers.Select((a, i) => (Index: i, a.Status, a.Body, Problem: Problem(a.Status, a.Body)))
            .Where(a => a.Problem is not null).ToArray();
        Assert.True(failures.Length == 0, $"{failures.Length} of {Requests} answers broke the rule (seed {Seed}), e.g.:\n" + string.Join("\n",
            failures.Take(10).Select(f => $"#{f.Index} ({Describe(requests[f.Index])}): {f.Status} {f.Problem} {Quote(f.Body)}")));
        var statuses = answers.GroupBy(a => a.Status).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(statuses.Keys.Any(s => s < 300) && statuses.Keys.Any(s => s >= 400), string.Join(", ", statuses));

        // Right after: every surface still takes a good request.
        await AssertGoodInferenceAsync(good);
        using (var frame = await Http.PostAsync("v1/cameras/fuzz-a/frames", Image(good, "image/jpeg")))
        {
            Assert.Equal(HttpStatusCode.OK, frame.StatusCode);
        }

        using (var put = await Http.PutAsync("v1/cameras/fuzz-a", Json(camera)))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        Assert.DoesNotContain("An unhandled exception", fixture.Silo!.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", fixture.Silo.Log, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromMinutes(3), $"{Requests} requests took {watch.Elapsed}");
    }

    /// <summary>Why an answer breaks the rule, or null: a 5xx, or a 4xx without <c>{"error":{"code","message"}}</c>.</summary>
    private static string? Problem(int status, string body)
    {
        if (status is 0 or >= 500)
        {
            return status == 0 ? "no answer" : "a server error";
        }

        if (status < 400)
        {
            return null;
        }

        try
        {
            var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
            return error.GetProperty("code").GetString() is { Length: > 0 } && error.GetProperty("message").GetString() is { Length: > 0 }
                ? null
                : "an empty code or message";
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return "no v1 error body";
        }
    }

    private async Task AssertGoodInferenceAsync(byte[] image)
    {
        using var response = await Http.PostAsync("v1/models/resnet18/infer", Image(image, "image/jpeg"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"a good image answered {response.StatusCode}: {Quote(body)}");
    }

    /// <summary>
    /// The <paramref name="index"/>th malformed request, drawn from <paramref name="random"/> in order, so the run repeats;
    /// the factory draws nothing more (requests are sent in parallel).
    /// </summary>
    private static Func<HttpRequestMessage> Malformed(int index, Random random, byte[][] images, byte[] camera, byte[] job)
    {
        var image = images[random.Next(images.Length)];
        var damaged = random.Next(5) == 0 ? image : ImageMutations.Mutate(image, random);
        var id = Ids[random.Next(Ids.Length)];
        var query = Query(random);
        switch (index % 8)
        {
            case 0 or 1:
            {
                var type = random.Next(4) == 0 ? ImageTypes[random.Next(ImageTypes.Length)] : "image/jpeg";
                var model = random.Next(20) == 0 ? "nope" : "resnet18";
                return () => Post($"v1/models/{model}/infer{query}", Image(damaged, type));
            }

            case 2 or 3:
            {
                var parts = Enumerable.Range(0, random.Next(1, 4))
                    .Select(_ => random.Next(4) == 0 ? TestData.Bmp(10, int.MinValue) : ImageMutations.Mutate(images[random.Next(images.Length)], random))
                    .Append(image).ToArray();
                var body = Multipart(parts, "b0", random);
                var type = random.Next(3) == 0 ? MultipartType(random) : "multipart/form-data; boundary=b0";
                return () => Post($"v1/models/resnet18/infer{query}", Raw(body, type));
            }

            case 4:
            {
                var body = JsonMutations.Mutate(camera, random);
                var target = random.Next(3) == 0 ? id : "fuzz-b";
                return () => new HttpRequestMessage(HttpMethod.Put, $"v1/cameras/{target}") { Content = Json(body) };
            }

            case 5:
            {
                var target = random.Next(2) == 0 ? "fuzz-a" : id;
                var at = random.Next(3) == 0 ? CapturedAt[random.Next(CapturedAt.Length)] : null;
                var type = random.Next(6) == 0 ? ImageTypes[random.Next(ImageTypes.Length)] : "image/jpeg";
                return () =>
                {
                    var content = Image(damaged, type);
                    if (at is not null)
                    {
                        content.Headers.TryAddWithoutValidation("X-Argus-Captured-At", at);
                    }

                    return Post($"v1/cameras/{target}/frames", content);
                };
            }

            case 6:
            {
                var body = JsonMutations.Mutate(job, random);
                var type = random.Next(10) == 0 ? "text/plain" : "application/json";
                return () => Post("v1/jobs", Raw(body, type));
            }

            default:
            {
                // Camera and job ids no grain should be asked about, and paths or methods the API does not have.
                var (method, path) = random.Next(7) switch
                {
                    0 => (HttpMethod.Get, $"v1/cameras/{id}"),
                    1 => (HttpMethod.Delete, $"v1/cameras/{(id == "fuzz-a" ? "nope" : id)}"),
                    // Never a camera a PUT above may have added: its alerts would stream until the client leaves.
                    2 => (HttpMethod.Get, $"v1/cameras/{(CameraConfig.IsValidId(Uri.UnescapeDataString(id)) ? "never-added" : id)}/alerts"),
                    3 => (HttpMethod.Get, $"v1/jobs/{id}"),
                    4 => (HttpMethod.Post, $"v1/jobs/{id}/pause"),
                    5 => (HttpMethod.Get, "v1/models/resnet18/infer"),
                    _ => (HttpMethod.Post, $"v1/no-such/{id}"),
                };
                return () => new HttpRequestMessage(method, path);
            }
        }
    }

    private static string Query(Random random) => random.Next(3) switch
    {
        0 => $"?timeout_ms={Uri.EscapeDataString(Timeouts[random.Next(Timeouts.Length)])}",
        1 => $"?lane={Uri.EscapeDataString(Lanes[random.Next(Lanes.Length)])}&timeout_ms={Uri.EscapeDataString(Timeouts[random.Next(Timeouts.Length)])}",
        _ => "",
    };

    private static string MultipartType(Random random) => random.Next(5) switch
    {
        0 => "multipart/form-data",
        1 => "multipart/form-data; boundary=",
        2 => "multipart/form-data; boundary=other",
        3 => "multipart/form-data; boundary=" + new string('b', 71),
        _ => "multipart/form-data; boundary=\"b0",
    };

    /// <summary>A multipart body of <paramref name="parts"/>, sometimes cut, left unclosed or with a broken section header.</summary>
    private static byte[] Multipart(byte[][] parts, string boundary, Random random)
    {
        using var body = new MemoryStream();
        void Write(string text) => body.Write(Encoding.ASCII.GetBytes(text));
        for (var i = 0; i < parts.Length; i++)
        {
            Write($"--{boundary}\r\n");
            Write(random.Next(15) == 0 ? "Content-Disposition form-data\r\n\r\n" : $"Content-Disposition: form-data; name=\"images\"; filename=\"{i}.img\"\r\n\r\n");
            body.Write(parts[i]);
            Write("\r\n");
        }

        if (random.Next(6) != 0)
        {
            Write($"--{boundary}--\r\n");
        }

        var bytes = body.ToArray();
        return random.Next(6) == 0 ? bytes[..random.Next(bytes.Length)] : bytes;
    }

    private static HttpRequestMessage Post(string path, HttpContent content) => new(HttpMethod.Post, path) { Content = content };

    private static ByteArrayContent Json(byte[] body) => Raw(body, "application/json");

    private static ByteArrayContent Image(byte[] body, string type) => Raw(body, type);

    private static ByteArrayContent Raw(byte[] body, string type)
    {
        var content = new ByteArrayContent(body);
        if (type.Length > 0)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", type);
        }

        return content;
    }

    private static string Describe(Func<HttpRequestMessage> request)
    {
        using var message = request();
        return $"{message.Method} {message.RequestUri} {message.Content?.Headers.ContentType}";
    }

    private static string Quote(string body) => body.Length <= 300 ? body : body[..300] + "…";
}
