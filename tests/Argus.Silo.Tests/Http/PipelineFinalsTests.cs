using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.Testing;

namespace Argus.Silo.Tests.Http;

/// <summary>
/// A pipeline's finals on a real silo with the default moderation models: streamed as server-sent events (resumed with
/// Last-Event-ID, started at ?since=), and delivered to a webhook on loopback, also one that refuses at first.
/// </summary>
public sealed class PipelineFinalsTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // Both tiers are sure baboon.jpg is Neutral: with heavy_items 'review' its provisional decision is final at once.
    private const string Moderation = """
        {"fast_model": "moderation-fast", "fast_rule": {"block": {"Porn": 0.9}, "review": {"Porn": 0.4, "Sexy": 0.6}},
         "heavy_model": "moderation-heavy", "heavy_rule": {"block": {"Porn": 0.7}, "review": {"Porn": 0.3}},
         "heavy_items": "review"
        """;

    private HttpClient Http => fixture.Http!;

    private async Task PutAsync(string pipeline, string? webhook = null)
    {
        var spec = Moderation + (webhook is null ? "}" : $", \"webhook\": \"{webhook}\"}}");
        using var put = await Http.PutAsync($"v1/pipelines/{pipeline}", new StringContent(spec, Encoding.UTF8, "application/json"));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> SubmitAsync(string pipeline, string item, string photo = "baboon.jpg")
    {
        var content = new ByteArrayContent(TestData.Image(photo));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using var response = await Http.PostAsync($"v1/pipelines/{pipeline}/items?item={item}", content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<string> GetItemAsync(string pipeline, string item) => await Http.GetStringAsync($"v1/pipelines/{pipeline}/items/{item}");

    /// <summary>Opens the finals stream; the answer's headers mean the stream's start is fixed.</summary>
    private async Task<(HttpResponseMessage Response, EventStreamReader Events)> WatchAsync(string pipeline, string query = "", string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/pipelines/{pipeline}/finals{query}");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return (response, new EventStreamReader(await response.Content.ReadAsStreamAsync()));
    }

    private static async Task<List<ServerSentEvent>> FinalsAsync(EventStreamReader events, int count)
    {
        List<ServerSentEvent> finals = [];
        while (finals.Count < count)
        {
            finals.Add(await events.NextAsync("final", Timeout));
        }

        return finals;
    }

    [Fact]
    public async Task Finals_stream_in_log_order_as_get_shows_them_and_a_reconnect_resumes_after_its_last_event()
    {
        var started = DateTime.UtcNow;
        await PutAsync("sse");
        var (response, events) = await WatchAsync("sse");
        List<ServerSentEvent> finals;
        using (response)
        using (events)
        {
            // apple.jpg is sent on to the heavy tier; the baboons are final at once.
            await SubmitAsync("sse", "apple", "apple.jpg");
            foreach (var item in new[] { "b1", "b2", "b3" })
            {
                await SubmitAsync("sse", item);
            }

            finals = await FinalsAsync(events, 4);
        }

        Assert.Equal(["apple", "b1", "b2", "b3"], finals.Select(f => f.Data.GetProperty("id").GetString()).Order());
        Assert.All(finals, f => Assert.Equal("final", f.Data.GetProperty("state").GetString()));
        Assert.Equal("moderation-heavy", finals.Single(f => f.Data.GetProperty("id").GetString() == "apple").Data.GetProperty("final").GetProperty("model").GetString());
        foreach (var final in finals)
        {
            Assert.Equal(await GetItemAsync("sse", final.Data.GetProperty("id").GetString()!), final.Data.GetRawText());
            Assert.Matches(@"^\d{12}\.\d+$", final.Id);
        }

        Assert.Equal(finals.Count, finals.Select(f => f.Id).Distinct().Count());

        // A reconnect after the second event gets the third and fourth, with the same ids.
        var (again, resumed) = await WatchAsync("sse", lastEventId: finals[1].Id);
        using (again)
        using (resumed)
        {
            Assert.Equal(finals.Skip(2).Select(f => (f.Id, f.Data.GetRawText())), (await FinalsAsync(resumed, 2)).Select(f => (f.Id, f.Data.GetRawText())));
        }

        // ?since= from before the submits reads them all again.
        var (since, all) = await WatchAsync("sse", $"?since={started.AddSeconds(-1):yyyy-MM-ddTHH:mm:ssZ}");
        using (since)
        using (all)
        {
            Assert.Equal(finals.Select(f => f.Id), (await FinalsAsync(all, 4)).Select(f => f.Id));
        }
    }

    [Fact]
    public async Task A_bad_since_or_last_event_id_is_a_400_with_its_reason_and_an_unknown_pipeline_a_404()
    {
        await PutAsync("sse-bad");
        foreach (var (query, lastEventId, reason) in new[]
        {
            ("?since=yesterday", (string?)null, "since 'yesterday' is not an ISO-8601 time"),
            ("?since=2020-01-01T00:00:00Z", null, "lies more than 7 days back"),
            ($"?since={DateTime.UtcNow.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}", null, "ahead of the silo's clock"),
            ("", "17", "Last-Event-ID '17' is not a finals event id"),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/pipelines/sse-bad/finals{query}");
            if (lastEventId is not null)
            {
                request.Headers.Add("Last-Event-ID", lastEventId);
            }

            using var response = await Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(reason, JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("message").GetString());
        }

        using var unknown = await Http.GetAsync("v1/pipelines/no-such-pipeline/finals");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var noWebhook = await Http.GetAsync("v1/pipelines/sse-bad/webhook");
        Assert.Equal(HttpStatusCode.NotFound, noWebhook.StatusCode);
        Assert.Contains("no_webhook", await noWebhook.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_webhook_gets_every_final_once_in_log_order_and_its_status_and_metrics_count_them()
    {
        using var receiver = WebhookReceiver.Start(failFirst: 0);
        await PutAsync("hooked", receiver.Url);
        var (response, events) = await WatchAsync("hooked", $"?since={DateTime.UtcNow.AddSeconds(-1):yyyy-MM-ddTHH:mm:ssZ}");
        using (response)
        using (events)
        {
            string[] items = ["h1", "h2", "h3", "h4", "h5"];
            foreach (var item in items)
            {
                await SubmitAsync("hooked", item);
            }

            var logged = (await FinalsAsync(events, items.Length)).Select(f => f.Data.GetProperty("id").GetString()).ToList();
            await Eventually.HoldsAsync(() => Task.FromResult(receiver.Taken.Count >= items.Length), Timeout, $"the webhook's deliveries (got {receiver.Taken.Count})");

            Assert.Equal(logged, receiver.Taken.Select(i => i.GetProperty("id").GetString()));
            Assert.All(receiver.Posts, p => Assert.Equal("hooked", p.Body.GetProperty("pipeline").GetString()));
            Assert.Equal(await GetItemAsync("hooked", "h1"), receiver.Taken[0].GetRawText());
        }

        var status = JsonDocument.Parse(await Http.GetStringAsync("v1/pipelines/hooked/webhook")).RootElement;
        Assert.True(status.GetProperty("active").GetBoolean());
        Assert.Equal(5, status.GetProperty("delivered").GetInt64());
        Assert.Equal(0, status.GetProperty("failures").GetInt64());
        Assert.Equal(receiver.Posts.Count, status.GetProperty("attempts").GetInt64());
        Assert.True(status.TryGetProperty("last_success_at", out _));

        var delivered = PrometheusText.Parse(await Http.GetStringAsync("metrics"))
            .Where(s => s.Name == "argus_pipeline_webhook_delivered_total" && s.Has(("pipeline", "hooked")));
        Assert.Equal(5, delivered.Sum(s => s.Value));

        // Without its webhook the pipeline delivers no more and has no webhook status.
        await PutAsync("hooked");
        using var gone = await Http.GetAsync("v1/pipelines/hooked/webhook");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        await SubmitAsync("hooked", "after");
        Assert.Equal("final", JsonDocument.Parse(await GetItemAsync("hooked", "after")).RootElement.GetProperty("state").GetString());
        Assert.DoesNotContain(receiver.Taken, i => i.GetProperty("id").GetString() == "after");
    }

    [Fact]
    public async Task A_receiver_that_refuses_the_first_posts_still_gets_every_item_in_order_and_the_status_shows_the_failures()
    {
        using var receiver = WebhookReceiver.Start(failFirst: 3);
        await PutAsync("flaky", receiver.Url);
        string[] items = ["f1", "f2", "f3"];
        foreach (var item in items)
        {
            await SubmitAsync("flaky", item);
        }

        // Backoff 1 + 2 + 4 s before the fourth post is taken.
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Taken.Select(i => i.GetProperty("id").GetString()).Distinct().Count() >= items.Length),
            Timeout, $"every item at the flaky webhook (posts so far: {receiver.Posts.Count})");

        var taken = receiver.Taken.Select(i => i.GetProperty("id").GetString()).ToList();
        Assert.Equal(items, taken.Distinct().Order()); // each at least once
        Assert.Equal(taken.Distinct(), taken);        // once taken, never again
        Assert.True(receiver.Posts.Count >= 4);
        // A refused delivery is posted again as it was: the same first event, the same items.
        var first = receiver.Posts[0];
        Assert.All(receiver.Posts.Take(4), p => Assert.Equal(first.Delivery, p.Delivery));
        Assert.All(receiver.Posts.Take(4), p => Assert.Equal(first.Body.GetProperty("items")[0].GetProperty("id").GetString(), p.Body.GetProperty("items")[0].GetProperty("id").GetString()));

        var status = JsonDocument.Parse(await Http.GetStringAsync("v1/pipelines/flaky/webhook")).RootElement;
        Assert.Equal(3, status.GetProperty("failures").GetInt64());
        Assert.Equal(items.Length, status.GetProperty("delivered").GetInt64());
        Assert.Equal(0, status.GetProperty("failing_for").GetInt32());
        Assert.Contains("503", status.GetProperty("last_error").GetString());
        Assert.Contains("not yet", status.GetProperty("last_error").GetString());
    }

    /// <summary>A webhook receiver on loopback that answers 503 to its first posts, then 200.</summary>
    private sealed class WebhookReceiver : IDisposable
    {
        private readonly List<Post> _posts = [];
        private readonly int _failFirst;
        private readonly LoopbackListener _listener;

        private WebhookReceiver(int failFirst)
        {
            _failFirst = failFirst;
            _listener = new LoopbackListener("/hook/", ReceiveAsync);
        }

        public string Url => _listener.Url.ToString();

        /// <summary>Every post, in the order received.</summary>
        public IReadOnlyList<Post> Posts
        {
            get { lock (_posts) { return [.. _posts]; } }
        }

        /// <summary>The items of the posts answered 200, in order.</summary>
        public IReadOnlyList<JsonElement> Taken
        {
            get { lock (_posts) { return [.. _posts.Skip(_failFirst).SelectMany(p => p.Body.GetProperty("items").EnumerateArray())]; } }
        }

        public static WebhookReceiver Start(int failFirst) => new(failFirst);

        public void Dispose() => _listener.Dispose();

        private async Task ReceiveAsync(HttpListenerContext context)
        {
            using var reader = new StreamReader(context.Request.InputStream);
            var body = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone();
            int count;
            lock (_posts)
            {
                _posts.Add(new Post(context.Request.Headers["X-Argus-Delivery"], body));
                count = _posts.Count;
            }

            context.Response.StatusCode = count <= _failFirst ? 503 : 200;
            if (count <= _failFirst)
            {
                await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes("not yet"));
            }
        }

        public sealed record Post(string? Delivery, JsonElement Body);
    }
}
