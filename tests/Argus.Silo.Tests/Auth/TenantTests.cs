using System.Text.Json;
using Argus.Testing;

namespace Argus.Silo.Tests.Auth;

/// <summary>Cameras, jobs and pipelines belong to the tenant whose key created them: other tenants cannot find them, operators can.</summary>
[Collection(RolesSiloCollection.Name)]
public sealed class TenantTests(RolesSiloFixture fixture)
{
    private Task<(int Status, JsonElement? Body)> SendAsync(string method, string path, string key, HttpContent? content = null) =>
        fixture.SendAsync(RolesSiloFixture.Request(method, path, key, content));

    private async Task<string> PageAsync(string path, string key)
    {
        using var response = await fixture.Http!.SendAsync(RolesSiloFixture.Request("GET", path, key));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static string[] Ids(JsonElement? list) => [.. list!.Value.EnumerateArray().Select(e => e.GetProperty("id").GetString()!)];

    [Fact]
    public async Task A_tenant_cannot_see_change_or_remove_another_tenants_camera_and_an_operator_can()
    {
        const string camera = """{ "models": ["resnet18"] }""";
        var (created, view) = await SendAsync("PUT", "v1/cameras/cam-a", RolesSiloFixture.TenantAKey, RolesSiloFixture.Json(camera));
        Assert.Equal(201, created);
        Assert.Equal("a", view!.Value.GetProperty("config").GetProperty("tenant").GetString());
        Assert.Equal(200, (await SendAsync("POST", "v1/cameras/cam-a/frames", RolesSiloFixture.TenantAKey, RolesSiloFixture.Jpeg())).Status);

        var b = RolesSiloFixture.TenantBKey;
        foreach (var (method, path, content) in new (string, string, Func<HttpContent?>)[]
        {
            ("GET", "v1/cameras/cam-a", () => null),
            ("PUT", "v1/cameras/cam-a", () => RolesSiloFixture.Json(camera)),
            ("POST", "v1/cameras/cam-a/frames", RolesSiloFixture.Jpeg),
            ("GET", "v1/cameras/cam-a/alerts", () => null),
            ("GET", "v1/cameras/cam-a/incidents/1", () => null),
            ("GET", "v1/cameras/cam-a/incidents/1/frames/frame-x.jpg", () => null),
            ("DELETE", "v1/cameras/cam-a", () => null),
        })
        {
            var (status, body) = await SendAsync(method, path, b, content());
            Assert.True(status == 404, $"{method} {path}: {status} {body}");
            Assert.Equal("unknown_camera", body!.Value.GetProperty("error").GetProperty("code").GetString());
        }

        Assert.DoesNotContain("cam-a", Ids((await SendAsync("GET", "v1/cameras", b)).Body));
        Assert.Contains("cam-a", Ids((await SendAsync("GET", "v1/cameras", RolesSiloFixture.TenantAKey)).Body));

        // A tenant cannot create for another; an operator may name the tenant, and keeps it when it changes the camera.
        var (refused, reason) = await SendAsync("PUT", "v1/cameras/cam-x", RolesSiloFixture.TenantAKey,
            RolesSiloFixture.Json("""{ "models": ["resnet18"], "tenant": "b" }"""));
        Assert.Equal(403, refused);
        Assert.Contains("acts for tenant 'a' only", reason!.Value.GetProperty("error").GetProperty("message").GetString());

        var @operator = RolesSiloFixture.OperatorKey;
        Assert.Contains("cam-a", Ids((await SendAsync("GET", "v1/cameras", @operator)).Body));
        var (changed, changedView) = await SendAsync("PUT", "v1/cameras/cam-a", @operator, RolesSiloFixture.Json("""{ "models": ["resnet18"], "target_fps": 2 }"""));
        Assert.Equal(200, changed);
        Assert.Equal("a", changedView!.Value.GetProperty("config").GetProperty("tenant").GetString());
        Assert.Equal(204, (await SendAsync("DELETE", "v1/cameras/cam-a", @operator)).Status);
        Assert.Equal(404, (await SendAsync("GET", "v1/cameras/cam-a", RolesSiloFixture.TenantAKey)).Status);
    }

    [Fact]
    public async Task A_tenant_cannot_see_change_or_submit_to_another_tenants_pipeline_nor_read_its_items_and_an_operator_can()
    {
        const string pipeline = """
            { "fast_model": "moderation-fast", "fast_rule": { "block": { "Porn": 0.9 } }, "heavy_model": "moderation-heavy", "heavy_rule": {} }
            """;
        var (created, view) = await SendAsync("PUT", "v1/pipelines/pipe-a", RolesSiloFixture.TenantAKey, RolesSiloFixture.Json(pipeline));
        Assert.Equal(201, created);
        Assert.Equal("a", view!.Value.GetProperty("spec").GetProperty("tenant").GetString());
        Assert.Equal(201, (await SendAsync("POST", "v1/pipelines/pipe-a/items?item=k1", RolesSiloFixture.TenantAKey, RolesSiloFixture.Jpeg())).Status);

        var b = RolesSiloFixture.TenantBKey;
        foreach (var (method, path, content) in new (string, string, Func<HttpContent?>)[]
        {
            ("GET", "v1/pipelines/pipe-a", () => null),
            ("PUT", "v1/pipelines/pipe-a", () => RolesSiloFixture.Json(pipeline)),
            ("POST", "v1/pipelines/pipe-a/items?item=k1", RolesSiloFixture.Jpeg),
            ("GET", "v1/pipelines/pipe-a/items/k1", () => null),
            ("POST", "v1/pipelines/pipe-a/backfills", () => RolesSiloFixture.Json("""{"version": "4.3.0"}""")),
            ("GET", "v1/pipelines/pipe-a/backfills", () => null),
            ("GET", "v1/pipelines/pipe-a/items", () => null),
            ("DELETE", "v1/pipelines/pipe-a", () => null),
        })
        {
            var (status, body) = await SendAsync(method, path, b, content());
            Assert.True(status == 404, $"{method} {path}: {status} {body}");
            Assert.Equal("unknown_pipeline", body!.Value.GetProperty("error").GetProperty("code").GetString());
        }

        Assert.DoesNotContain("pipe-a", Ids((await SendAsync("GET", "v1/pipelines", b)).Body));
        Assert.Contains("pipe-a", Ids((await SendAsync("GET", "v1/pipelines", RolesSiloFixture.TenantAKey)).Body));
        var @operator = RolesSiloFixture.OperatorKey;
        Assert.Equal(200, (await SendAsync("GET", "v1/pipelines/pipe-a/items/k1", @operator)).Status);
        Assert.Equal(204, (await SendAsync("DELETE", "v1/pipelines/pipe-a", @operator)).Status);
        Assert.Equal(404, (await SendAsync("GET", "v1/pipelines/pipe-a", RolesSiloFixture.TenantAKey)).Status);
    }

    [Fact]
    public async Task A_tenant_cannot_see_or_cancel_another_tenants_job_and_an_operator_can()
    {
        var input = Path.Combine(fixture.Work, "tenant-photos");
        ImageWarehouse.Create(input, 4);
        var spec = JsonSerializer.Serialize(new { id = "job-a", input, model = "resnet18", output = Path.Combine(fixture.Work, "out") });
        var (created, view) = await SendAsync("POST", "v1/jobs", RolesSiloFixture.TenantAKey, RolesSiloFixture.Json(spec));
        Assert.Equal(201, created);
        Assert.Equal("a", view!.Value.GetProperty("spec").GetProperty("tenant").GetString());

        var b = RolesSiloFixture.TenantBKey;
        foreach (var (method, path) in new[] { ("GET", "v1/jobs/job-a"), ("GET", "v1/jobs/job-a/report"), ("POST", "v1/jobs/job-a/pause"), ("POST", "v1/jobs/job-a/resume"), ("POST", "v1/jobs/job-a/cancel") })
        {
            var (status, body) = await SendAsync(method, path, b);
            Assert.True(status == 404, $"{method} {path}: {status} {body}");
            Assert.Equal("unknown_job", body!.Value.GetProperty("error").GetProperty("code").GetString());
        }

        Assert.DoesNotContain("job-a", Ids((await SendAsync("GET", "v1/jobs", b)).Body));
        Assert.Contains("job-a", Ids((await SendAsync("GET", "v1/jobs", RolesSiloFixture.TenantAKey)).Body));
        Assert.DoesNotContain("job-a", await PageAsync("jobs", b));
        Assert.Contains("/v1/jobs/job-a/report", await PageAsync("jobs", RolesSiloFixture.TenantAKey));
        Assert.Contains("<title>Job job-a · Argus</title>", await PageAsync("v1/jobs/job-a/report", RolesSiloFixture.TenantAKey));
        // The id is taken whoever asks; the answer does not say by whom.
        var (taken, _) = await SendAsync("POST", "v1/jobs", b, RolesSiloFixture.Json(spec));
        Assert.Equal(409, taken);

        var @operator = RolesSiloFixture.OperatorKey;
        Assert.Contains("job-a", Ids((await SendAsync("GET", "v1/jobs", @operator)).Body));
        var (cancelled, status2) = await SendAsync("POST", "v1/jobs/job-a/cancel", @operator);
        Assert.Equal(200, cancelled);
        Assert.True(status2!.Value.GetProperty("is_finished").GetBoolean());
    }
}
