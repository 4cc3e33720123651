using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Argus.Testing;

namespace Argus.Silo.Tests.Tenants;

/// <summary>
/// A real silo whose default tenant may make one inference request every ten seconds, two at once: without keys every
/// caller is the tenantless one, so the third call over v1 or v2 is refused.
/// </summary>
public sealed class RateLimitedSiloFixture : IAsyncLifetime
{
    public SiloProcess? Silo { get; private set; }

    public HttpClient? Http { get; private set; }

    public async Task InitializeAsync()
    {
        Silo = await SiloProcess.StartAsync("rate-0", new Dictionary<string, string>
        {
            ["Argus__Inference__Sim__Devices"] = "1",
            ["Argus__Tenants__Default__RatePerSecond"] = "0.1",
            ["Argus__Tenants__Default__Burst"] = "2",
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

    private async Task<HttpResponseMessage> InferV1Async()
    {
        using var content = new ByteArrayContent(TestData.Image("apple.jpg"));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return await Http.PostAsync("v1/models/resnet18/infer", content);
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

        using var body = new StringContent("""{"inputs":[]}""", Encoding.UTF8, "application/json");
        using var v2 = await Http.PostAsync("v2/models/resnet18/infer", body);
        Assert.Equal(HttpStatusCode.TooManyRequests, v2.StatusCode);
        Assert.True(v2.Headers.Contains("Retry-After"));
        Assert.Equal(Reason, JsonDocument.Parse(await v2.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());

        var throttled = PrometheusText.Parse(await Http.GetStringAsync("metrics"))
            .Single(s => s.Name == "argus_tenant_throttled_total" && s.Has(("tenant", "")));
        Assert.Equal(2, throttled.Value);
    }
}
