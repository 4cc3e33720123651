using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Argus.Errors;
using Argus.Pipelines;
using Argus.Testing;

namespace Argus.Client.Tests;

/// <summary>A pipeline's finals watched through the SDK against a real silo process (the pipeline and its items made over HTTP).</summary>
public sealed class PipelineFinalsTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    private const string Spec = """
        {"fast_model": "moderation-fast", "fast_rule": {"block": {"Porn": 0.9}, "review": {"Porn": 0.4, "Sexy": 0.6}},
         "heavy_model": "moderation-heavy", "heavy_rule": {"block": {"Porn": 0.7}}, "heavy_items": "review"}
        """;

    private IArgusClient Client => fixture.Host!.Client;

    [Fact]
    public async Task Finals_are_watched_from_a_time_before_they_came()
    {
        using var http = new HttpClient { BaseAddress = fixture.Silo!.BaseAddress };
        using (var put = await http.PutAsync("v1/pipelines/sdk-finals", new StringContent(Spec, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        foreach (var (item, photo) in new[] { ("apple", "apple.jpg"), ("baboon", "baboon.jpg") })
        {
            var content = new ByteArrayContent(TestData.Image(photo));
            content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            using var submit = await http.PostAsync($"v1/pipelines/sdk-finals/items?item={item}", content);
            Assert.Equal(HttpStatusCode.Created, submit.StatusCode);
        }

        List<PipelineItem> finals = [];
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await foreach (var final in Client.WatchFinalsAsync("sdk-finals", since, timeout.Token))
        {
            finals.Add(final);
            if (finals.Count == 2)
            {
                break;
            }
        }

        // The baboon is final at once; the apple once the heavy tier answers, before or after the baboon is submitted.
        Assert.Equal(["apple", "baboon"], finals.Select(f => f.Id).Order());
        Assert.All(finals, f => Assert.Equal(PipelineItemState.Final, f.State));
        Assert.Equal("moderation-heavy", finals.Single(f => f.Id == "apple").Final!.Model);
    }

    [Fact]
    public async Task An_unknown_pipeline_is_unknown_and_a_since_too_far_back_is_bad_input()
    {
        var unknown = await Assert.ThrowsAsync<UnknownPipelineException>(async () =>
        {
            await foreach (var _ in Client.WatchFinalsAsync("no-such-pipeline"))
            {
            }
        });
        Assert.Contains("Unknown pipeline 'no-such-pipeline'", unknown.Message);

        using var http = new HttpClient { BaseAddress = fixture.Silo!.BaseAddress };
        using (var put = await http.PutAsync("v1/pipelines/sdk-old", new StringContent(Spec, Encoding.UTF8, "application/json")))
        {
            Assert.True(put.IsSuccessStatusCode);
        }

        var old = await Assert.ThrowsAsync<BadInputException>(async () =>
        {
            await foreach (var _ in Client.WatchFinalsAsync("sdk-old", DateTimeOffset.UtcNow.AddDays(-8)))
            {
            }
        });
        Assert.Contains("more than 7 days back", old.Message);
    }
}
