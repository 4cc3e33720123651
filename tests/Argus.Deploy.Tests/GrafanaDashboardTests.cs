using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Argus.Testing;

namespace Argus.Deploy.Tests;

/// <summary>The dashboard's file alone.</summary>
public sealed class GrafanaDashboardFileTests
{
    [Fact]
    public void Every_panel_has_a_query_and_the_dashboard_shows_what_operators_watch()
    {
        var panels = GrafanaDashboard.Panels().ToList();
        Assert.All(panels, p => Assert.NotEmpty(GrafanaDashboard.Queries(p)));
        Assert.Equal(panels.Count, panels.Select(p => p["id"]!.GetValue<int>()).Distinct().Count());
        var named = panels.SelectMany(GrafanaDashboard.Queries).SelectMany(PromQl.Selectors).Select(s => s.Metric).ToHashSet();
        Assert.All(GrafanaDashboard.Required, m => Assert.Contains(m, named));
    }
}

/// <summary>
/// deploy/grafana/argus.json against a live silo: the silo is driven until every kind of series the dashboard shows
/// exists (inference, a tenant's 429, a camera's frame, a finished job, the autoscaler's decision), then every metric
/// each panel's query and each variable's query names must be in its <c>/metrics</c>, with the labels its matchers use.
/// </summary>
public sealed partial class GrafanaDashboardTests : IAsyncLifetime
{
    private const string AdminKey = "grafana-admin-key-0123456789";
    private const string TenantKey = "grafana-tenant-key-0123456789";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("argus-grafana-");
    private SiloProcess? _silo;
    private HttpClient? _http;

    public async Task InitializeAsync()
    {
        _silo = await SiloProcess.StartAsync("grafana-0", new Dictionary<string, string>
        {
            ["Argus__Auth__ApiKeys__0"] = AdminKey,
            ["Argus__Auth__Keys__0__Name"] = "tenant-a",
            ["Argus__Auth__Keys__0__Key"] = TenantKey,
            ["Argus__Auth__Keys__0__Roles__0"] = "infer",
            ["Argus__Auth__Keys__0__Tenant"] = "a",
            ["Argus__Tenants__a__RatePerSecond"] = "0.1",
            ["Argus__Tenants__a__Burst"] = "1",
            ["Argus__Inference__Sim__Devices"] = "1",
            ["Argus__Inference__Sim__Profile"] = "textbook",
            ["Argus__Storage__InputRoots__0"] = _dir.FullName,
            ["Argus__Storage__OutputRoots__0"] = _dir.FullName,
        });
        _http = new HttpClient { BaseAddress = _silo.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Every_metric_a_query_names_is_in_a_live_silos_metrics_with_the_labels_it_matches_on()
    {
        await DriveAsync();
        IReadOnlyList<Sample> samples = [];
        foreach (var metric in GrafanaDashboard.Required)
        {
            await Eventually.HoldsAsync(
                async () => (samples = PrometheusText.Parse(await _http!.GetStringAsync("metrics"))).Any(s => s.Name == metric),
                TimeSpan.FromSeconds(60), $"{metric} in /metrics");
        }
        var labels = samples.GroupBy(s => s.Name).ToDictionary(g => g.Key, g => g.SelectMany(s => s.Labels.Keys).ToHashSet());

        var missing = new List<string>();
        foreach (var panel in GrafanaDashboard.Panels())
        {
            foreach (var selector in GrafanaDashboard.Queries(panel).SelectMany(PromQl.Selectors))
            {
                Check(panel["title"]!.GetValue<string>(), selector);
            }
        }

        foreach (var variable in GrafanaDashboard.Json["templating"]!["list"]!.AsArray().Where(v => v!["type"]!.GetValue<string>() == "query"))
        {
            var query = LabelValues().Match(variable!["query"]!["query"]!.GetValue<string>());
            Assert.True(query.Success, variable.ToJsonString());
            Check($"variable {variable["name"]}", new Selector(query.Groups["metric"].Value, [query.Groups["label"].Value]));
        }

        Assert.True(missing.Count == 0, string.Join("\n", missing));

        void Check(string where, Selector selector)
        {
            if (!labels.TryGetValue(selector.Metric, out var has))
            {
                missing.Add($"{where}: no {selector.Metric} in /metrics");
                return;
            }

            // Prometheus renames an exposed job label (a batch job's id) exported_job, as the scrape's own job label wins.
            missing.AddRange(selector.Labels.Where(l => !has.Contains(l == "exported_job" ? "job" : l)).Select(l => $"{where}: {selector.Metric} has no label {l}"));
        }
    }

    /// <summary>Inference (an item failed too), a tenant over its rate, a camera's analysed frame and a finished job.</summary>
    private async Task DriveAsync()
    {
        Assert.Equal(HttpStatusCode.OK, await InferAsync(AdminKey, TestData.Image("apple.jpg")));
        Assert.Equal(HttpStatusCode.BadRequest, await InferAsync(AdminKey, TestData.TruncatedJpeg()));
        // Tenant a's bucket holds one request: the second is refused.
        Assert.Equal(HttpStatusCode.OK, await InferAsync(TenantKey, TestData.Image("apple.jpg")));
        Assert.Equal(HttpStatusCode.TooManyRequests, await InferAsync(TenantKey, TestData.Image("apple.jpg")));

        using (var camera = new StringContent("""{"models": ["resnet18"], "target_fps": 5}""", Encoding.UTF8, "application/json"))
        {
            Assert.True((await _http!.PutAsync("v1/cameras/grafana-door", camera)).IsSuccessStatusCode);
        }

        using (var frame = new ByteArrayContent(TestData.Image("apple.jpg")) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } })
        {
            frame.Headers.Add("X-Argus-Captured-At", DateTime.UtcNow.ToString("O"));
            Assert.Equal(HttpStatusCode.OK, (await _http!.PostAsync("v1/cameras/grafana-door/frames", frame)).StatusCode);
        }

        var input = Directory.CreateDirectory(Path.Combine(_dir.FullName, "in"));
        foreach (var image in new[] { "apple.jpg", "baboon.jpg", "fruits.jpg" })
        {
            await File.WriteAllBytesAsync(Path.Combine(input.FullName, image), TestData.Image(image));
        }

        var spec = new JsonObject { ["id"] = "grafana", ["input"] = input.FullName, ["model"] = "resnet18", ["output"] = Path.Combine(_dir.FullName, "out") };
        Assert.True((await _http!.PostAsJsonAsync("v1/jobs", spec)).IsSuccessStatusCode);
        await Eventually.HoldsAsync(
            async () => JsonNode.Parse(await _http!.GetStringAsync("v1/jobs/grafana"))!["state"]!.GetValue<string>() == "completed",
            TimeSpan.FromSeconds(60), "the job to complete");
    }

    private async Task<HttpStatusCode> InferAsync(string key, byte[] image)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/models/resnet18/infer") { Content = new ByteArrayContent(image) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        request.Headers.Add("X-Api-Key", key);
        using var response = await _http!.SendAsync(request);
        return response.StatusCode;
    }

    [GeneratedRegex(@"^label_values\((?<metric>[a-zA-Z_:][\w:]*)\s*,\s*(?<label>\w+)\)$")]
    private static partial Regex LabelValues();
}
