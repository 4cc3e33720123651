using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.Testing;

namespace Argus.Silo.Tests.Http;

/// <summary>
/// Backfills on a real silo with the default moderation models: a pipeline's history re-scored with another version of
/// its heavy model, loaded at run time (the fast model's network, 224×224, as <c>moderation-heavy</c> version
/// <c>mobilenet</c>), each new result kept beside the old.
/// </summary>
public sealed class PipelineBackfillTests(SiloFixture fixture) : IClassFixture<SiloFixture>, IDisposable
{
    private const string Version = "mobilenet";

    private readonly string _archive = Path.Combine(Path.GetTempPath(), $"argus-archive-{Guid.NewGuid():N}");

    private HttpClient Http => fixture.Http!;

    /// <summary>A pipeline whose fast tier sends apple.jpg to review (so to the heavy tier) and decides baboon.jpg at once.</summary>
    private static string Moderation(string? archive) => """
        {"fast_model": "moderation-fast", "fast_rule": {"block": {"Porn": 0.9}, "review": {"Porn": 0.4, "Sexy": 0.6}},
         "heavy_model": "moderation-heavy", "heavy_rule": {"block": {"Porn": 0.7}, "review": {"Porn": 0.3}}, "heavy_items": "review"
        """ + (archive is null ? "}" : $", \"archive\": \"{archive}\"}}");

    public void Dispose()
    {
        if (Directory.Exists(_archive))
        {
            Directory.Delete(_archive, recursive: true);
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<(HttpStatusCode Status, JsonElement Json)> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<JsonElement> SubmitAsync(string pipeline, string item, string image)
    {
        var content = new ByteArrayContent(TestData.Image(image));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var (status, stored) = await SendAsync(HttpMethod.Post, $"v1/pipelines/{pipeline}/items?item={item}", content);
        Assert.True(status == HttpStatusCode.Created, $"{item}: {(int)status} {stored}");
        return stored;
    }

    private async Task<JsonElement> WaitAsync(string path, Func<JsonElement, bool> done, string what)
    {
        JsonElement last = default;
        await Eventually.HoldsAsync(async () =>
        {
            (_, last) = await SendAsync(HttpMethod.Get, path);
            return done(last);
        }, TimeSpan.FromSeconds(120), what);
        return last;
    }

    private async Task LoadVersionAsync()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "v2/repository/models/moderation-heavy/load", Json($$$"""
            {"version": "{{{Version}}}", "path": "nsfwjs/mobilenet_v2.onnx", "task": "Classification", "labelsPath": "labels/moderation.txt",
             "softmax": false, "preprocess": {"width": 224, "height": 224, "resize": "Stretch", "channels": "Rgb", "std": [255, 255, 255]},
             "batching": {"maxBatchSize": 8, "maxDelayMs": 0}}
            """));
        Assert.True(status == HttpStatusCode.OK, $"load: {(int)status} {body}");
    }

    private static string Message(JsonElement error) => error.GetProperty("error").GetProperty("message").GetString()!;

    [Fact]
    public async Task A_backfill_keeps_each_items_old_final_and_makes_the_new_versions_result_final()
    {
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Put, "v1/pipelines/history", Json(Moderation(_archive)))).Status);
        var apple = await SubmitAsync("history", "apple", "apple.jpg");
        var baboon = await SubmitAsync("history", "baboon", "baboon.jpg");
        // Kept whole under the item's id, and the item says where.
        Assert.Equal(TestData.Image("apple.jpg"), await File.ReadAllBytesAsync(Path.Combine(_archive, "apple")));
        Assert.Equal(Path.Combine(_archive, "baboon"), baboon.GetProperty("image").GetString());
        Assert.Equal("pending", apple.GetProperty("state").GetString());
        var before = new Dictionary<string, JsonElement>
        {
            ["apple"] = await WaitAsync("v1/pipelines/history/items/apple", i => i.GetProperty("state").GetString() == "final", "the apple's final"),
            ["baboon"] = baboon,
        };
        await LoadVersionAsync();

        var (accepted, started) = await SendAsync(HttpMethod.Post, "v1/pipelines/history/backfills", Json($$"""{"version": "{{Version}}", "id": "bf-1"}"""));

        Assert.Equal(HttpStatusCode.Accepted, accepted);
        Assert.Equal("bf-1", started.GetProperty("id").GetString());
        Assert.Equal("moderation-heavy", started.GetProperty("model").GetString());
        var done = await WaitAsync("v1/pipelines/history/backfills/bf-1", b => b.GetProperty("state").GetString() != "running", "the backfill's end");
        Assert.Equal("completed", done.GetProperty("state").GetString());
        Assert.Equal(2, done.GetProperty("items").GetInt64());
        Assert.Equal(2, done.GetProperty("rescored").GetInt64());
        Assert.Equal(0, done.GetProperty("skipped").GetInt64() + done.GetProperty("failed").GetInt64());
        Assert.True(done.TryGetProperty("finished_at", out _), done.ToString());

        foreach (var (id, old) in before)
        {
            var (_, item) = await SendAsync(HttpMethod.Get, $"v1/pipelines/history/items/{id}");
            var superseded = item.GetProperty("superseded").EnumerateArray().ToList();
            Assert.Equal(old.GetProperty("final").ToString(), Assert.Single(superseded).ToString());
            var final = item.GetProperty("final");
            Assert.Equal("bf-1", final.GetProperty("backfill").GetString());
            Assert.Equal("moderation-heavy", final.GetProperty("model").GetString());
            Assert.Equal(Version, final.GetProperty("version").GetString());
            Assert.Equal(old.GetProperty("provisional").ToString(), item.GetProperty("provisional").ToString());
        }

        // The same id again is the same backfill: nothing is re-scored twice.
        var (again, same) = await SendAsync(HttpMethod.Post, "v1/pipelines/history/backfills", Json($$"""{"version": "{{Version}}", "id": "bf-1"}"""));
        Assert.Equal(HttpStatusCode.Accepted, again);
        Assert.Equal(done.ToString(), same.ToString());
        var (_, list) = await SendAsync(HttpMethod.Get, "v1/pipelines/history/backfills");
        Assert.Equal(["bf-1"], list.EnumerateArray().Select(b => b.GetProperty("id").GetString()));
        var (cancelled, finished) = await SendAsync(HttpMethod.Delete, "v1/pipelines/history/backfills/bf-1");
        Assert.Equal(HttpStatusCode.OK, cancelled);
        Assert.Equal("completed", finished.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "v1/pipelines/history/backfills/bf-2")).Status);
    }

    [Fact]
    public async Task Items_whose_image_was_not_kept_are_skipped_with_the_reason()
    {
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Put, "v1/pipelines/unkept", Json(Moderation(null)))).Status);
        var baboon = await SubmitAsync("unkept", "baboon", "baboon.jpg");
        Assert.False(baboon.TryGetProperty("image", out _));

        var (accepted, _) = await SendAsync(HttpMethod.Post, "v1/pipelines/unkept/backfills", Json("""{"version": "4.3.0", "id": "again"}"""));

        Assert.Equal(HttpStatusCode.Accepted, accepted);
        var done = await WaitAsync("v1/pipelines/unkept/backfills/again", b => b.GetProperty("state").GetString() != "running", "the backfill's end");
        Assert.Equal("completed", done.GetProperty("state").GetString());
        Assert.Equal(1, done.GetProperty("skipped").GetInt64());
        Assert.Equal(1, done.GetProperty("reasons").GetProperty("no_image").GetInt64());
        var (_, item) = await SendAsync(HttpMethod.Get, "v1/pipelines/unkept/items/baboon");
        Assert.Empty(item.GetProperty("superseded").EnumerateArray());
    }

    [Fact]
    public async Task A_cancelled_backfill_stops_where_it_was_and_stays_cancelled()
    {
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Put, "v1/pipelines/stopped", Json(Moderation(_archive)))).Status);
        // A week of minutes to walk: far more than the DELETE below takes to arrive.
        var from = DateTime.UtcNow.AddDays(-7).ToString("O");
        var (accepted, started) = await SendAsync(HttpMethod.Post, "v1/pipelines/stopped/backfills", Json($$"""{"version": "4.3.0", "id": "long", "from": "{{from}}"}"""));
        Assert.Equal(HttpStatusCode.Accepted, accepted);
        Assert.Equal("running", started.GetProperty("state").GetString());

        var (status, cancelled) = await SendAsync(HttpMethod.Delete, "v1/pipelines/stopped/backfills/long");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
        Assert.True(cancelled.GetProperty("reached").GetDateTime() < cancelled.GetProperty("to").GetDateTime(), cancelled.ToString());
        var (_, later) = await SendAsync(HttpMethod.Get, "v1/pipelines/stopped/backfills/long");
        Assert.Equal(cancelled.ToString(), later.ToString());
    }

    [Fact]
    public async Task Every_problem_of_a_backfill_or_an_archive_is_listed_in_one_4xx()
    {
        var (refused, archive) = await SendAsync(HttpMethod.Put, "v1/pipelines/archived", Json(Moderation("/etc/argus-archive")));
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Contains("archive '/etc/argus-archive' lies outside the output roots", Message(archive));
        var (relative, why) = await SendAsync(HttpMethod.Put, "v1/pipelines/archived", Json(Moderation("kept")));
        Assert.Equal(HttpStatusCode.BadRequest, relative);
        Assert.Contains("archive 'kept' must be an absolute path", Message(why));

        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Put, "v1/pipelines/checked", Json(Moderation(_archive)))).Status);
        var (status, error) = await SendAsync(HttpMethod.Post, "v1/pipelines/checked/backfills", Json("""
            {"version": "9.9", "from": "2026-01-02T00:00:00Z", "to": "2026-01-01T00:00:00Z", "id": ".hidden"}
            """));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.All(
            [
                "version: model 'moderation-heavy' has no version '9.9'.",
                "to (2026-01-01T00:00:00.0000000Z) must be after from (2026-01-02T00:00:00.0000000Z).",
                "id '.hidden' must be 1 to 100",
            ],
            p => Assert.Contains(p, Message(error)));

        var (labels, mismatch) = await SendAsync(HttpMethod.Post, "v1/pipelines/checked/backfills", Json("""{"model": "text-direction", "version": "2.0"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, labels);
        Assert.Contains("'Porn' is not a label of model 'text-direction'", Message(mismatch));
        var (missing, noVersion) = await SendAsync(HttpMethod.Post, "v1/pipelines/checked/backfills", Json("""{"model": "no-such-model", "versoin": "1"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Contains("unknown field 'versoin'", Message(noVersion));
        Assert.Contains("version is required", Message(noVersion));

        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Post, "v1/pipelines/no-pipeline/backfills", Json("""{"version": "4.3.0"}"""))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "v1/pipelines/no-pipeline/backfills")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, "v1/pipelines/checked/backfills/never")).Status);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await SendAsync(HttpMethod.Post, "v1/pipelines/checked/backfills", new StringContent("{}"))).Status);
        Assert.Empty((await SendAsync(HttpMethod.Get, "v1/pipelines/checked/backfills")).Json.EnumerateArray());
    }
}
