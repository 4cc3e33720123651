using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Argus.Testing;

namespace Argus.Silo.Tests.Auth;

/// <summary>API keys on a real silo: every protected area refuses a request without a valid key and serves one with it.</summary>
[Collection(SecuredSiloCollection.Name)]
public sealed class AuthTests(SecuredSiloFixture fixture)
{
    private HttpClient Anonymous => fixture.Anonymous!;

    /// <summary>One request to each protected area: the APIs (v1, cameras, jobs, v2), /metrics and the dashboard's page and API.</summary>
    public static TheoryData<string, string> Protected => new()
    {
        { "GET", "v1/models" },
        { "GET", "v1/devices" },
        { "GET", "v1/autoscale" },
        { "POST", "v1/models/resnet18/infer" },
        { "GET", "v1/cameras" },
        { "GET", "v1/jobs" },
        { "GET", "v2" },
        { "GET", "v2/models/resnet18" },
        { "POST", "v2/models/resnet18/infer" },
        { "GET", "metrics" },
        { "GET", "dashboard" },
        { "GET", "dashboard/" },
        { "GET", "dashboard/index.min.js" },
        { "GET", "dashboard/ClusterStats" },
        { "GET", "dashboard/DashboardCounters" },
    };

    private static HttpRequestMessage Request(string method, string path, Action<HttpRequestHeaders>? headers = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new ByteArrayContent(TestData.Image("apple.jpg")) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } };
        }

        headers?.Invoke(request.Headers);
        return request;
    }

    [Theory]
    [MemberData(nameof(Protected))]
    public async Task Without_a_key_every_protected_area_answers_401_with_a_reason_and_WWW_Authenticate(string method, string path)
    {
        using var response = await Anonymous.SendAsync(Request(method, path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        if (path.StartsWith("v2", StringComparison.Ordinal))
        {
            // The Open Inference Protocol's error body.
            Assert.Contains("X-Api-Key", error.GetString());
        }
        else
        {
            Assert.Equal("unauthorized", error.GetProperty("code").GetString());
            Assert.Contains("X-Api-Key", error.GetProperty("message").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(Protected))]
    public async Task A_wrong_key_is_refused_as_not_valid(string method, string path)
    {
        using var response = await Anonymous.SendAsync(Request(method, path, h => h.Add("X-Api-Key", "wrong-key-0123456789abcdef")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
        Assert.Contains("The API key is not valid.", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Protected))]
    public async Task The_key_opens_every_protected_area_as_a_header_or_a_bearer_token(string method, string path)
    {
        foreach (var present in new Action<HttpRequestHeaders>[]
        {
            h => h.Add("X-Api-Key", SecuredSiloFixture.ApiKey),
            h => h.Authorization = new AuthenticationHeaderValue("Bearer", SecuredSiloFixture.ApiKey),
        })
        {
            using var response = await Anonymous.SendAsync(Request(method, path, present));

            // v2 infer wants a JSON body, and /dashboard redirects to /dashboard/: past the key either way.
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.MovedPermanently,
                $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Theory]
    [InlineData("healthz")]
    [InlineData("readyz")]
    [InlineData("v2/health/live")]
    [InlineData("v2/health/ready")]
    [InlineData("login")]
    public async Task Health_and_the_login_page_stay_open(string path)
    {
        using var response = await Anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_browser_asking_for_a_page_without_a_key_is_sent_to_the_login_page_and_back()
    {
        using var request = Request("GET", "dashboard/", h => h.Accept.ParseAdd("text/html,application/xhtml+xml"));
        using var response = await Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?return_url=%2Fdashboard%2F", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Logging_in_sets_an_HttpOnly_SameSite_cookie_that_opens_the_dashboard_and_a_wrong_key_does_not()
    {
        using var wrong = await Anonymous.PostAsync("login", Form("wrong-key-0123456789abcdef", "/dashboard/"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));
        Assert.Contains("That key is not valid.", await wrong.Content.ReadAsStringAsync());

        using var login = await Anonymous.PostAsync("login", Form(SecuredSiloFixture.ApiKey, "/dashboard/"));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/dashboard/", login.Headers.Location?.OriginalString);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        using var dashboard = new HttpRequestMessage(HttpMethod.Get, "dashboard/ClusterStats");
        dashboard.Headers.Add("Cookie", cookie.Split(';')[0]);
        using var stats = await Anonymous.SendAsync(dashboard);
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
    }

    [Theory]
    [InlineData("https://elsewhere.example/")]
    [InlineData("//elsewhere.example/")]
    [InlineData("/\\elsewhere.example/")]
    public async Task Login_never_redirects_off_the_silo(string returnUrl)
    {
        using var login = await Anonymous.PostAsync("login", Form(SecuredSiloFixture.ApiKey, returnUrl));

        Assert.Equal("/dashboard/", login.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task With_OpenMetrics_a_scraper_needs_no_key_for_metrics_but_still_for_the_api()
    {
        await using var silo = await SiloProcess.StartAsync("open-metrics-0", new Dictionary<string, string>
        {
            ["Argus__Auth__ApiKeys__0"] = SecuredSiloFixture.ApiKey,
            ["Argus__Auth__OpenMetrics"] = "true",
            ["Argus__Inference__Sim__Devices"] = "1",
        });
        using var http = new HttpClient { BaseAddress = silo.BaseAddress };

        using var metrics = await http.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("argus_inference_queue_depth", await metrics.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("v1/models")).StatusCode);
    }

    [Fact]
    public async Task A_short_key_and_a_bad_otlp_endpoint_are_both_refused_at_start()
    {
        var start = SiloProcess.StartAsync("bad-config-0", new Dictionary<string, string>
        {
            ["Argus__Auth__ApiKeys__0"] = "short",
            ["Argus__Telemetry__OtlpEndpoint"] = "collector:4317",
        });

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => start);
        Assert.Contains("Argus:Auth:ApiKeys:0 must be at least 16 characters", refused.Message);
        Assert.Contains("Argus:Telemetry:OtlpEndpoint must be an http(s) address (is 'collector:4317')", refused.Message);
    }

    private static FormUrlEncodedContent Form(string key, string returnUrl) =>
        new([new("key", key), new("return_url", returnUrl)]);
}
