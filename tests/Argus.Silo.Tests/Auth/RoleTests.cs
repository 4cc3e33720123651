using System.Text;
using System.Text.Json;
using Argus.Testing;

namespace Argus.Silo.Tests.Auth;

/// <summary>Every endpoint × every kind of caller on one real silo: what each role opens, and how each refusal reads.</summary>
[Collection(RolesSiloCollection.Name)]
public sealed class RoleTests(RolesSiloFixture fixture)
{
    private const string Infer = "infer";
    private const string Operate = "operate";
    private const string Admin = "admin";

    /// <summary>
    /// Each endpoint with the roles that open it. Requests name cameras, jobs, pipelines and models that do not exist where acting
    /// would change the silo (unloading a model, cancelling a job): past the key they are 4xx, never 401 or 403.
    /// </summary>
    private static readonly (string Method, string Path, Func<HttpContent?> Body, string[] Roles)[] Endpoints =
    [
        ("GET", "v1/models", NoBody, [Infer]),
        ("GET", "v1/devices", NoBody, [Infer]),
        ("POST", "v1/models/resnet18/infer", RolesSiloFixture.Jpeg, [Infer]),
        ("GET", "v2", NoBody, [Infer]),
        ("GET", "v2/models/resnet18", NoBody, [Infer]),
        ("GET", "v2/models/resnet18/ready", NoBody, [Infer]),
        ("POST", "v2/models/resnet18/infer", () => RolesSiloFixture.Json("{}"), [Infer]),
        ("GET", "v1/cameras", NoBody, [Operate]),
        ("GET", "v1/cameras/no-camera", NoBody, [Operate]),
        ("PUT", "v1/cameras/no-camera", () => RolesSiloFixture.Json("{}"), [Operate]),
        ("DELETE", "v1/cameras/no-camera", NoBody, [Operate]),
        ("GET", "v1/cameras/no-camera/alerts", NoBody, [Operate]),
        ("GET", "v1/cameras/no-camera/incidents/1", NoBody, [Operate]),
        ("GET", "v1/cameras/no-camera/incidents/1/frames/frame-x.jpg", NoBody, [Operate]),
        ("POST", "v1/cameras/no-camera/frames", RolesSiloFixture.Jpeg, [Infer, Operate]),
        ("GET", "v1/jobs", NoBody, [Operate]),
        ("POST", "v1/jobs", () => RolesSiloFixture.Json("{}"), [Operate]),
        ("GET", "v1/jobs/no-job", NoBody, [Operate]),
        ("POST", "v1/jobs/no-job/pause", NoBody, [Operate]),
        ("POST", "v1/jobs/no-job/resume", NoBody, [Operate]),
        ("POST", "v1/jobs/no-job/cancel", NoBody, [Operate]),
        ("GET", "v1/jobs/no-job/report", NoBody, [Operate]),
        ("GET", "jobs", NoBody, [Operate]),
        ("GET", "v1/pipelines", NoBody, [Operate]),
        ("GET", "v1/pipelines/no-pipeline", NoBody, [Operate]),
        ("PUT", "v1/pipelines/no-pipeline", () => RolesSiloFixture.Json("{}"), [Operate]),
        ("DELETE", "v1/pipelines/no-pipeline", NoBody, [Operate]),
        ("POST", "v1/pipelines/no-pipeline/items", RolesSiloFixture.Jpeg, [Operate]),
        ("GET", "v1/pipelines/no-pipeline/items/no-item", NoBody, [Operate]),
        ("POST", "v1/pipelines/no-pipeline/backfills", () => RolesSiloFixture.Json("{}"), [Operate]),
        ("GET", "v1/pipelines/no-pipeline/backfills", NoBody, [Operate]),
        ("GET", "v1/pipelines/no-pipeline/backfills/no-backfill", NoBody, [Operate]),
        ("DELETE", "v1/pipelines/no-pipeline/backfills/no-backfill", NoBody, [Operate]),
        ("GET", "v1/pipelines/no-pipeline/finals", NoBody, [Operate]),
        ("GET", "v1/pipelines/no-pipeline/webhook", NoBody, [Operate]),
        ("GET", "v1/pipelines/no-pipeline/items", NoBody, [Operate]),
        ("GET", "v2/repository/index", NoBody, [Admin]),
        ("POST", "v2/repository/index", () => RolesSiloFixture.Json("{}"), [Admin]),
        ("POST", "v2/repository/models/no-model/load", () => RolesSiloFixture.Json("{}"), [Admin]),
        ("POST", "v2/repository/models/no-model/unload", () => RolesSiloFixture.Json("{}"), [Admin]),
        ("GET", "v1/models/resnet18/rollout", NoBody, [Admin]),
        ("PUT", "v1/models/no-model/rollout", () => RolesSiloFixture.Json("{}"), [Admin]),
        ("POST", "v1/models/no-model/rollout/promote", NoBody, [Admin]),
        ("POST", "v1/models/no-model/rollout/rollback", NoBody, [Admin]),
        ("GET", "v1/models/resnet18/drift", NoBody, [Admin]),
        ("GET", "v1/autoscale", NoBody, [Admin]),
        ("GET", "metrics", NoBody, [Admin]),
        ("GET", "dashboard/", NoBody, [Admin]),
        ("GET", "dashboard/ClusterStats", NoBody, [Admin]),
    ];

    private static readonly (string Role, string Key)[] RoleKeys =
        [(Infer, RolesSiloFixture.InferKey), (Operate, RolesSiloFixture.OperateKey), (Admin, RolesSiloFixture.AdminKey)];

    private static HttpContent? NoBody() => null;

    [Fact]
    public async Task Every_endpoint_opens_to_its_roles_and_refuses_everyone_else_with_the_reason()
    {
        List<string> wrong = [];
        foreach (var (method, path, body, roles) in Endpoints)
        {
            var v2 = path.StartsWith("v2", StringComparison.Ordinal);
            var (none, noneBody) = await fixture.SendAsync(RolesSiloFixture.Request(method, path, null, body()));
            Expect(none == 401 && Reason(noneBody, v2, "unauthorized").Contains("needs an API key"), "no key", none, noneBody);
            var (bad, badBody) = await fixture.SendAsync(RolesSiloFixture.Request(method, path, "not-a-key-0123456789", body()));
            Expect(bad == 401 && Reason(badBody, v2, "unauthorized").Contains("not valid"), "a bad key", bad, badBody);
            foreach (var (role, key) in RoleKeys)
            {
                var (status, answer) = await fixture.SendAsync(RolesSiloFixture.Request(method, path, key, body()));
                if (roles.Contains(role))
                {
                    Expect(status is >= 200 and < 500 and not 401 and not 403, $"the {role} key", status, answer);
                }
                else
                {
                    Expect(status == 403 && Reason(answer, v2, "forbidden").Contains($"needs the role {string.Join(" or ", roles)}"),
                        $"the {role} key", status, answer);
                }
            }

            void Expect(bool holds, string who, int status, JsonElement? answer)
            {
                if (!holds)
                {
                    wrong.Add($"{method} {path} with {who}: {status} {answer}");
                }
            }
        }

        Assert.Empty(wrong);
    }

    [Theory]
    [InlineData("healthz")]
    [InlineData("readyz")]
    [InlineData("v2/health/live")]
    [InlineData("v2/health/ready")]
    [InlineData("login")]
    public async Task Health_and_login_stay_open_to_every_caller(string path)
    {
        foreach (var key in new[] { null, "not-a-key-0123456789", RolesSiloFixture.InferKey, RolesSiloFixture.AdminKey })
        {
            Assert.Equal(200, (await fixture.SendAsync(RolesSiloFixture.Request("GET", path, key))).Status);
        }
    }

    [Fact]
    public async Task A_login_cookie_holds_the_roles_of_its_key()
    {
        using var login = await fixture.Http!.PostAsync("login", new FormUrlEncodedContent([new("key", RolesSiloFixture.InferKey), new("return_url", "/")]));
        var cookie = login.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        foreach (var (path, expected) in new[] { ("v1/models", 200), ("dashboard/ClusterStats", 403) })
        {
            var request = RolesSiloFixture.Request("GET", path, null);
            request.Headers.Add("Cookie", cookie);
            Assert.Equal(expected, (await fixture.SendAsync(request)).Status);
        }
    }

    [Fact]
    public async Task Every_refusal_is_counted_by_status_and_reason()
    {
        await fixture.SendAsync(RolesSiloFixture.Request("GET", "v1/autoscale", null));
        await fixture.SendAsync(RolesSiloFixture.Request("GET", "v1/autoscale", "not-a-key-0123456789"));
        await fixture.SendAsync(RolesSiloFixture.Request("GET", "v1/autoscale", RolesSiloFixture.InferKey));

        await Eventually.HoldsAsync(async () =>
        {
            using var request = RolesSiloFixture.Request("GET", "metrics", RolesSiloFixture.AdminKey);
            using var response = await fixture.Http!.SendAsync(request);
            var samples = PrometheusText.Parse(await response.Content.ReadAsStringAsync())
                .Where(s => s.Name == "argus_auth_refusals_total").ToArray();
            return new[] { ("401", "no_key"), ("401", "bad_key"), ("403", "role") }
                .All(e => samples.Any(s => s.Has(("status", e.Item1), ("reason", e.Item2)) && s.Value >= 1));
        }, TimeSpan.FromSeconds(30), "the refusals to be counted at /metrics");
    }

    [Fact]
    public async Task Odd_keys_and_authorization_headers_are_refused_with_401_never_a_server_error()
    {
        var random = new Random(15);
        string[] headers = ["X-Api-Key", "Authorization", "Cookie"];
        string[] prefixes = ["", "Bearer ", "bearer  ", "Basic ", "Bearer", "argus_api_key="];
        // Header values sent byte for byte as Latin-1, so that bytes above 0x7f reach the server as they are.
        using var raw = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.Latin1, UseCookies = false })
        {
            BaseAddress = fixture.Silo!.BaseAddress,
        };
        for (var i = 0; i < 200; i++)
        {
            var length = random.Next(4) switch { 0 => 0, 1 => random.Next(1, 20), 2 => random.Next(20, 200), _ => random.Next(4_000, 16_000) };
            var top = random.Next(3) == 0 ? 0x100 : 0x7f;
            var value = prefixes[random.Next(prefixes.Length)] + new string([.. Enumerable.Range(0, length).Select(_ => (char)random.Next(0x20, top))]);
            if (random.Next(5) == 0)
            {
                value = RolesSiloFixture.InferKey[..random.Next(RolesSiloFixture.InferKey.Length)] + value;
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models");
            request.Headers.TryAddWithoutValidation(headers[random.Next(headers.Length)], value);
            using var response = await raw.SendAsync(request);

            Assert.True((int)response.StatusCode is 401 or 400 or 431, $"'{value[..Math.Min(value.Length, 60)]}': {(int)response.StatusCode}");
        }

        Assert.Equal(200, (await fixture.SendAsync(RolesSiloFixture.Request("GET", "v1/models", RolesSiloFixture.InferKey))).Status);
    }

    /// <summary>The refusal's reason: v1's <c>{"error": {"code", "message"}}</c>, or v2's <c>{"error": message}</c>.</summary>
    private static string Reason(JsonElement? body, bool v2, string code)
    {
        if (body is not { ValueKind: JsonValueKind.Object } json || !json.TryGetProperty("error", out var error))
        {
            return "";
        }

        if (v2)
        {
            return error.ValueKind == JsonValueKind.String ? error.GetString()! : "";
        }

        return error.ValueKind == JsonValueKind.Object && error.GetProperty("code").GetString() == code ? error.GetProperty("message").GetString()! : "";
    }
}
