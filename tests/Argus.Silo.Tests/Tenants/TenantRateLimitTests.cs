using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.Testing;

namespace Argus.Silo.Tests.Tenants;

/// <summary>
/// A real silo whose default tenant policy allows one inference request every ten seconds, two at once, to requests
/// without a tenant (one shared bucket) and to each tenant not listed (a bucket each); tenant b is listed without a rate.
/// Keys: one without a tenant, one of tenant a, one of tenant b, all with the role infer (and admin, to read /metrics).
/// </summary>
public sealed class RateLimitedSiloFixture : IAsyncLifetime
{
    public const string NoTenantKey = "no-tenant-key-0123456789";
    public const string TenantAKey = "tenant-a-key-0123456789";
    public const string TenantBKey = "tenant-b-key-0123456789";
    public const string TenantCKey = "tenant-c-key-0123456789";

    public SiloProcess? Silo { get; private set; }

    public HttpClient? Http { get; private set; }

    public async Task InitializeAsync()
    {
        Silo = await SiloProcess.StartAsync("rate-0", new Dictionary<string, string>
        {
            ["Argus__Inference__Sim__Devices"] = "1",
            ["Argus__Tenants__Default__RatePerSecond"] = "0.1",
            ["Argus__Tenants__Default__Burst"] = "2",
            ["Argus__Tenants__b__Weight"] = "1",
            ["Argus__Auth__Keys__0__Name"] = "ops",
            ["Argus__Auth__Keys__0__Key"] = NoTenantKey,
            ["Argus__Auth__Keys__1__Name"] = "tenant-a",
            ["Argus__Auth__Keys__1__Key"] = TenantAKey,
            ["Argus__Auth__Keys__1__Tenant"] = "a",
            ["Argus__Auth__Keys__2__Name"] = "tenant-b",
            ["Argus__Auth__Keys__2__Key"] = TenantBKey,
            ["Argus__Auth__Keys__2__Tenant"] = "b",
            ["Argus__Auth__Keys__3__Name"] = "tenant-c",
            ["Argus__Auth__Keys__3__Key"] = TenantCKey,
            ["Argus__Auth__Keys__3__Tenant"] = "c",
        });
        Http = new HttpClient { BaseAddress = Silo.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
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

public sealed class TenantRateLimitTests(RateLimitedSiloFixture fixture) : IClassFixture<RateLimitedSiloFixture>
{
    private const string Reason = "Requests without a tenant are over their shared rate of 0.1 requests/s on this silo.";

    private HttpClient Http => fixture.Http!;

    private async Task<HttpResponseMessage> InferV1Async(string key = RateLimitedSiloFixture.NoTenantKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/models/resnet18/infer")
        {
            Content = new ByteArrayContent(TestData.Image("apple.jpg")),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        request.Headers.Add("X-Api-Key", key);
        return await Http.SendAsync(request);
    }

    private async Task<IReadOnlyList<Sample>> MetricsAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        request.Headers.Add("X-Api-Key", RateLimitedSiloFixture.NoTenantKey);
        using var response = await Http.SendAsync(request);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_tenant_over_its_rate_is_refused_by_name_while_another_tenant_is_served()
    {
        HttpStatusCode[] a = [(await InferV1Async(RateLimitedSiloFixture.TenantAKey)).StatusCode, (await InferV1Async(RateLimitedSiloFixture.TenantAKey)).StatusCode];
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], a);

        using var refused = await InferV1Async(RateLimitedSiloFixture.TenantAKey);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.Contains("Retry-After"));
        Assert.Contains("Tenant 'a' is over its rate of 0.1 requests/s", await refused.Content.ReadAsStringAsync());

        // Tenant b has no rate, and a's empty bucket is not b's.
        for (var i = 0; i < 5; i++)
        {
            using var b = await InferV1Async(RateLimitedSiloFixture.TenantBKey);
            Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        }

        var samples = await MetricsAsync();
        Assert.Equal(1, samples.Single(s => s.Name == "argus_tenant_throttled_total" && s.Has(("tenant", "a"))).Value);
        Assert.DoesNotContain(samples, s => s.Name == "argus_tenant_throttled_total" && s.Has(("tenant", "b")));
    }

    [Fact]
    public async Task A_pipeline_submit_spends_its_owners_rate()
    {
        using var put = new HttpRequestMessage(HttpMethod.Put, "v1/pipelines/uploads-c")
        {
            Content = new StringContent(
                """{"fast_model": "moderation-fast", "fast_rule": {"block": {"Porn": 0.9}}, "heavy_model": "moderation-heavy", "heavy_rule": {}, "heavy_items": "review"}""",
                Encoding.UTF8, "application/json"),
        };
        put.Headers.Add("X-Api-Key", RateLimitedSiloFixture.TenantCKey);
        using (var created = await Http.SendAsync(put))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        async Task<HttpResponseMessage> SubmitAsync(int item)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/pipelines/uploads-c/items?item=photo-{item}")
            {
                Content = new ByteArrayContent(TestData.Image("baboon.jpg")),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            request.Headers.Add("X-Api-Key", RateLimitedSiloFixture.TenantCKey);
            return await Http.SendAsync(request);
        }

        using (var first = await SubmitAsync(1))
        using (var second = await SubmitAsync(2))
        {
            Assert.True(first.IsSuccessStatusCode && second.IsSuccessStatusCode, await first.Content.ReadAsStringAsync() + await second.Content.ReadAsStringAsync());
        }

        using var refused = await SubmitAsync(3);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.Contains("Retry-After"));
        Assert.Contains("Tenant 'c' is over its rate of 0.1 requests/s", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Calls_over_the_rate_get_429_with_retry_after_and_the_reason_over_v1_and_v2_and_are_counted()
    {
        using (var first = await InferV1Async())
        using (var second = await InferV1Async())
        {
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], new[] { first.StatusCode, second.StatusCode });
        }

        using var v1 = await InferV1Async();
        Assert.Equal(HttpStatusCode.TooManyRequests, v1.StatusCode);
        Assert.InRange(int.Parse(v1.Headers.GetValues("Retry-After").Single()), 1, 10);
        var v1Error = JsonDocument.Parse(await v1.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal(("overloaded", Reason), (v1Error.GetProperty("code").GetString(), v1Error.GetProperty("message").GetString()));

        using var v2Request = new HttpRequestMessage(HttpMethod.Post, "v2/models/resnet18/infer")
        {
            Content = new StringContent("""{"inputs":[]}""", Encoding.UTF8, "application/json"),
        };
        v2Request.Headers.Add("X-Api-Key", RateLimitedSiloFixture.NoTenantKey);
        using var v2 = await Http.SendAsync(v2Request);
        Assert.Equal(HttpStatusCode.TooManyRequests, v2.StatusCode);
        Assert.True(v2.Headers.Contains("Retry-After"));
        Assert.Equal(Reason, JsonDocument.Parse(await v2.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());

        var throttled = (await MetricsAsync()).Single(s => s.Name == "argus_tenant_throttled_total" && s.Has(("tenant", "")));
        Assert.Equal(2, throttled.Value);
    }
}
