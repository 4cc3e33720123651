using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Argus.Testing;

namespace Argus.Silo.Tests.Http;

/// <summary>Batch jobs over HTTP against a real silo process with the real models.</summary>
public sealed class JobEndpointsTests(SiloFixture fixture) : IClassFixture<SiloFixture>, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("argus-jobs-http-");

    private HttpClient Http => fixture.Http!;

    public void Dispose() => _dir.Delete(recursive: true);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>A spec's JSON with the given input and an output folder of the test's own; <paramref name="more"/> adds fields.</summary>
    private string Spec(string input, string more = "") =>
        JsonSerializer.Serialize(new { input, model = "resnet18", output = Path.Combine(_dir.FullName, "out") })[..^1] + more + "}";

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadAsync(Task<HttpResponseMessage> send)
    {
        using var response = await send;
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static (string Code, string Message) Error(JsonElement body)
    {
        var error = body.GetProperty("error");
        return (error.GetProperty("code").GetString()!, error.GetProperty("message").GetString()!);
    }

    private async Task<JsonElement> WaitUntilAsync(string id, Func<JsonElement, bool> condition, string what)
    {
        var status = default(JsonElement);
        await Eventually.HoldsAsync(async () =>
        {
            status = JsonDocument.Parse(await Http.GetStringAsync($"v1/jobs/{id}")).RootElement.Clone();
            return condition(status);
        }, TimeSpan.FromSeconds(120), what);
        return status;
    }

    private static string State(JsonElement status) => status.GetProperty("state").GetString()!;

    [Fact]
    public async Task A_job_over_a_folder_completes_with_every_good_and_bad_item_counted()
    {
        var input = Path.Combine(_dir.FullName, "photos");
        ImageWarehouse.Create(input, 40);
        ImageWarehouse.CreateCorrupt(input, 2);

        using var submit = await Http.PostAsync("v1/jobs", Json(Spec(input, """, "id": "photos", "shard_size": 16, "batch_size": 8""")));
        Assert.Equal(HttpStatusCode.Created, submit.StatusCode);
        Assert.Equal("/v1/jobs/photos", submit.Headers.Location?.ToString());
        var submitted = JsonDocument.Parse(await submit.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("photos", submitted.GetProperty("id").GetString());
        Assert.Contains(State(submitted), new[] { "planning", "running", "completed" });
        Assert.Equal(16, submitted.GetProperty("spec").GetProperty("shard_size").GetInt32());

        var done = await WaitUntilAsync("photos", s => s.GetProperty("is_finished").GetBoolean(), "the job to finish");
        Assert.Equal("completed", State(done));
        Assert.Equal(42, done.GetProperty("items_total").GetInt64());
        Assert.Equal(40, done.GetProperty("items_succeeded").GetInt64());
        Assert.Equal(2, done.GetProperty("items_failed").GetInt64());
        Assert.Equal(2, done.GetProperty("failures").GetProperty("bad_input").GetInt64());
        Assert.Equal(3, done.GetProperty("shards_done").GetInt32());
        Assert.Equal(Path.Combine(_dir.FullName, "out", "photos"), done.GetProperty("output_folder").GetString());
        Assert.True(done.TryGetProperty("finished_at", out _));

        // The same spec again is the same job (200); another spec under its id is a conflict.
        var (again, same) = await ReadAsync(Http.PostAsync("v1/jobs", Json(Spec(input, """, "id": "photos", "shard_size": 16, "batch_size": 8"""))));
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal("completed", State(same));
        var (conflict, body) = await ReadAsync(Http.PostAsync("v1/jobs", Json(Spec(input, """, "id": "photos", "shard_size": 17"""))));
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        Assert.Equal("job_conflict", Error(body).Code);
        Assert.Contains("'photos' exists with another spec", Error(body).Message);

        var (pausedFinished, refused) = await ReadAsync(Http.PostAsync("v1/jobs/photos/pause", null));
        Assert.Equal(HttpStatusCode.Conflict, pausedFinished);
        Assert.Contains("only a planning or running job can be paused", Error(refused).Message);

        var list = JsonDocument.Parse(await Http.GetStringAsync("v1/jobs")).RootElement;
        Assert.Contains(list.EnumerateArray(), j => j.GetProperty("id").GetString() == "photos" && State(j) == "completed");
    }

    [Fact]
    public async Task A_completed_job_s_folder_keeps_no_temporary_file_of_a_write_killed_in_the_middle()
    {
        var input = Path.Combine(_dir.FullName, "few");
        ImageWarehouse.Create(input, 8);
        ImageWarehouse.CreateCorrupt(input, 1);
        // What a silo killed while it wrote shard 1's part and its errors leaves: temporary files beside them.
        var folder = Path.Combine(_dir.FullName, "out", "killed-writer");
        Directory.CreateDirectory(Path.Combine(folder, ".errors"));
        string[] abandoned = [$".part-00001.jsonl.{Guid.NewGuid():N}.tmp", $".errors/.part-00001.jsonl.{Guid.NewGuid():N}.tmp"];
        foreach (var file in abandoned)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, file), "{\"item\":");
        }

        using var submit = await Http.PostAsync("v1/jobs", Json(Spec(input, """, "id": "killed-writer", "shard_size": 4""")));
        Assert.Equal(HttpStatusCode.Created, submit.StatusCode);
        var done = await WaitUntilAsync("killed-writer", s => s.GetProperty("is_finished").GetBoolean(), "the job to finish");

        Assert.Equal(("completed", 8L, 1L), (State(done), done.GetProperty("items_succeeded").GetInt64(), done.GetProperty("items_failed").GetInt64()));
        Assert.Empty(Directory.EnumerateFiles(folder, "*.tmp", SearchOption.AllDirectories));
        Assert.Equal(["errors.jsonl", "part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"],
            Directory.EnumerateFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_job_pauses_resumes_and_cancels_leaving_no_temporary_file_and_one_submitted_without_an_id_gets_one()
    {
        // A job that watches its folder runs until cancelled, so every transition is the test's own.
        var input = Path.Combine(_dir.FullName, "watched");
        foreach (var file in ImageWarehouse.CreateCorrupt(input, 2))
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(-1)); // settled: a watching job lists them at once
        }


        using var submit = await Http.PostAsync("v1/jobs", Json(Spec(input, """, "watch": true""")));
        Assert.Equal(HttpStatusCode.Created, submit.StatusCode);
        var id = JsonDocument.Parse(await submit.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        Assert.Matches(@"^job-\d{8}-\d{6}-[0-9a-f]{4}$", id);
        Assert.Equal($"/v1/jobs/{id}", submit.Headers.Location?.ToString());

        var (paused, pausedBody) = await ReadAsync(Http.PostAsync($"v1/jobs/{id}/pause", null));
        Assert.Equal(HttpStatusCode.OK, paused);
        Assert.Equal("paused", State(pausedBody));
        Assert.Equal("paused", State(await WaitUntilAsync(id, _ => true, "the status")));
        Assert.Equal("paused", State((await ReadAsync(Http.PostAsync($"v1/jobs/{id}/pause", null))).Body));

        var (resumed, resumedBody) = await ReadAsync(Http.PostAsync($"v1/jobs/{id}/resume", null));
        Assert.Equal(HttpStatusCode.OK, resumed);
        Assert.Contains(State(resumedBody), new[] { "planning", "running" });
        var running = await WaitUntilAsync(id, s => State(s) == "running" && s.GetProperty("items_failed").GetInt64() == 2, "the corrupt files to fail");
        Assert.Equal(2, running.GetProperty("failures").GetProperty("bad_input").GetInt64());
        // What a silo killed while it wrote a part leaves; a cancelled job is never completed, which would remove it.
        var abandoned = Path.Combine(Directory.CreateDirectory(Path.Combine(_dir.FullName, "out", id)).FullName, $".part-00009.jsonl.{Guid.NewGuid():N}.tmp");
        await File.WriteAllTextAsync(abandoned, "{\"item\":");

        var (cancelled, cancelledBody) = await ReadAsync(Http.PostAsync($"v1/jobs/{id}/cancel", null));
        Assert.Equal(HttpStatusCode.OK, cancelled);
        Assert.Equal("cancelled", State(cancelledBody));
        Assert.True(cancelledBody.GetProperty("is_finished").GetBoolean());
        Assert.False(File.Exists(abandoned));
        Assert.Equal(HttpStatusCode.OK, (await ReadAsync(Http.PostAsync($"v1/jobs/{id}/cancel", null))).Status);

        var (resumeCancelled, refused) = await ReadAsync(Http.PostAsync($"v1/jobs/{id}/resume", null));
        Assert.Equal(HttpStatusCode.Conflict, resumeCancelled);
        Assert.Equal("job_conflict", Error(refused).Code);
    }

    [Fact]
    public async Task A_finished_classifier_job_s_report_is_one_page_of_its_outputs_linked_from_the_jobs_page()
    {
        var input = Path.Combine(_dir.FullName, "moderated");
        ImageWarehouse.Create(input, 24);
        ImageWarehouse.CreateCorrupt(input, 2);
        var spec = JsonSerializer.Serialize(new { id = "moderated", input, model = "moderation-fast", output = Path.Combine(_dir.FullName, "out"), shard_size = 10, batch_size = 4 });
        using (var submit = await Http.PostAsync("v1/jobs", Json(spec)))
        {
            Assert.Equal(HttpStatusCode.Created, submit.StatusCode);
        }

        await WaitUntilAsync("moderated", s => s.GetProperty("is_finished").GetBoolean(), "the job to finish");

        using var report = await Http.GetAsync("v1/jobs/moderated/report");
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal("text/html", report.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("default-src 'none'", report.Headers.GetValues("Content-Security-Policy").Single());
        var html = await report.Content.ReadAsStringAsync();
        Assert.Contains("<title>Job moderated · Argus</title>", html);
        Assert.Contains("""<span class="state completed">completed</span>""", html);
        Assert.Contains("written; 3 read for this report", html);
        Assert.Contains("<h2>Throughput over time</h2>", html);
        Assert.Contains("<h2>Top class</h2>", html);
        Assert.Contains("""<span class="reason">bad_input</span></td><td class="n">2</td>""", html);
        Assert.Contains(Path.Combine(input, "corrupt-"), html);
        Assert.Contains("<h2>Slowest items</h2>", html);

        var (unknown, body) = await ReadAsync(Http.GetAsync("v1/jobs/nope/report"));
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal("unknown_job", Error(body).Code);

        using var staying = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Http.BaseAddress };
        using var home = await staying.GetAsync("/");
        Assert.Equal("/jobs", home.Headers.Location?.ToString());
        Assert.Contains("""<a href="/v1/jobs/moderated/report">moderated</a>""", await Http.GetStringAsync("jobs"));
    }

    [Theory]
    [InlineData("GET", "v1/jobs/nope")]
    [InlineData("POST", "v1/jobs/nope/pause")]
    [InlineData("POST", "v1/jobs/nope/resume")]
    [InlineData("POST", "v1/jobs/nope/cancel")]
    [InlineData("GET", "v1/jobs/.hidden")]
    public async Task An_unknown_job_is_404(string method, string path)
    {
        var (status, body) = await ReadAsync(Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("unknown_job", Error(body).Code);
        Assert.StartsWith("Unknown job '", Error(body).Message);
    }

    [Fact]
    public async Task A_bad_submission_is_400_listing_every_problem_and_nothing_is_submitted()
    {
        var (status, body) = await ReadAsync(Http.PostAsync("v1/jobs", Json("""
            {"id": "bad", "input": "photos/relative", "model": "resnet18", "output": "/tmp/out", "batch_size": 0}
            """)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var (code, message) = Error(body);
        Assert.Equal("bad_input", code);
        Assert.Contains("Job 'bad' is invalid:", message);
        Assert.Contains("input 'photos/relative' must be an absolute path", message);
        Assert.Contains("batch_size must be 1 to 256 (is 0)", message);
        Assert.Equal(HttpStatusCode.NotFound, (await ReadAsync(Http.GetAsync("v1/jobs/bad"))).Status);

        var (badJson, why) = await ReadAsync(Http.PostAsync("v1/jobs", Json("""{"input": "/in", """)));
        Assert.Equal(HttpStatusCode.BadRequest, badJson);
        Assert.Contains("not valid JSON", Error(why).Message);

        var (misspelt, unknownField) = await ReadAsync(Http.PostAsync("v1/jobs", Json(Spec("/in", """, "batchsize": 8"""))));
        Assert.Equal(HttpStatusCode.BadRequest, misspelt);
        Assert.Contains("'batchsize'", Error(unknownField).Message);

        var (notJson, type) = await ReadAsync(Http.PostAsync("v1/jobs", new StringContent("input=/in", Encoding.UTF8, "text/plain")));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson);
        Assert.Contains("application/json", Error(type).Message);
    }

    [Fact]
    public async Task A_problem_only_the_job_finds_is_400_too()
    {
        var (status, body) = await ReadAsync(Http.PostAsync("v1/jobs", Json(Spec("/in", """, "id": "cron", "schedule": "every night" """))));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("bad_input", Error(body).Code);
        Assert.Contains("Job 'cron' is invalid:", Error(body).Message);
        Assert.Contains("schedule 'every night' is not a cron expression", Error(body).Message);
    }

    [Fact]
    public async Task A_job_naming_a_model_no_silo_serves_is_404_once_the_routing_table_has_devices()
    {
        await Eventually.HoldsAsync(async () =>
            JsonDocument.Parse(await Http.GetStringAsync("v1/autoscale")).RootElement.GetProperty("devices").GetInt32() > 0,
            TimeSpan.FromSeconds(30), "the silo's devices in the routing table");
        var spec = JsonSerializer.Serialize(new { id = "ghost", input = _dir.FullName, model = "ghost", output = Path.Combine(_dir.FullName, "out") });

        var (status, body) = await ReadAsync(Http.PostAsync("v1/jobs", Json(spec)));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(("unknown_model", "Unknown model 'ghost'."), Error(body));
        Assert.Equal(HttpStatusCode.NotFound, (await ReadAsync(Http.GetAsync("v1/jobs/ghost"))).Status);
    }

    [Fact]
    public async Task A_job_naming_a_version_loaded_at_run_time_writes_every_line_with_it_and_a_job_without_one_keeps_the_stable_version()
    {
        const string model = ModelVersionEndpointsTests.Model;
        var (loaded, why) = await ReadAsync(Http.PostAsync($"v2/repository/models/{model}/load", Json(ModelVersionEndpointsTests.Definition("rescore-1"))));
        Assert.True(loaded == HttpStatusCode.OK, why.ToString());
        var input = Path.Combine(_dir.FullName, "history");
        ImageWarehouse.Create(input, 12);
        var output = Path.Combine(_dir.FullName, "out");

        foreach (var (id, version) in new (string Id, string? Version)[] { ("rescored", "rescore-1"), ("as-before", null) })
        {
            var spec = JsonSerializer.Serialize(new { id, input, model, output, version, shard_size = 5 });
            var (status, submitted) = await ReadAsync(Http.PostAsync("v1/jobs", Json(spec)));
            Assert.True(status == HttpStatusCode.Created, submitted.ToString());
        }

        foreach (var (id, version) in new[] { ("rescored", "rescore-1"), ("as-before", ModelVersionEndpointsTests.Stable) })
        {
            var done = await WaitUntilAsync(id, s => s.GetProperty("is_finished").GetBoolean(), $"job {id} to finish");
            Assert.Equal(("completed", 12L), (State(done), done.GetProperty("items_succeeded").GetInt64()));
            var lines = Directory.GetFiles(Path.Combine(output, id), "part-*.jsonl").SelectMany(File.ReadLines)
                .Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(12, lines.Count);
            Assert.All(lines, l => Assert.Equal((model, version), (l.GetProperty("model").GetString(), l.GetProperty("version").GetString())));
        }

        Assert.Equal("rescore-1", JsonDocument.Parse(await Http.GetStringAsync("v1/jobs/rescored")).RootElement.GetProperty("spec").GetProperty("version").GetString());
        Assert.Equal(HttpStatusCode.OK, (await ReadAsync(Http.PostAsync($"v2/repository/models/{model}/unload", Json("""{"version": "rescore-1"}""")))).Status);
    }

    [Fact]
    public async Task A_job_naming_a_version_no_silo_serves_is_404_naming_the_versions_served()
    {
        await Eventually.HoldsAsync(async () =>
            JsonDocument.Parse(await Http.GetStringAsync("v1/autoscale")).RootElement.GetProperty("devices").GetInt32() > 0,
            TimeSpan.FromSeconds(30), "the silo's devices in the routing table");
        var spec = JsonSerializer.Serialize(new { id = "no-such-version", input = _dir.FullName, model = "resnet18", version = "9", output = Path.Combine(_dir.FullName, "out") });

        var (status, body) = await ReadAsync(Http.PostAsync("v1/jobs", Json(spec)));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(("unknown_model", "Model 'resnet18' has no version '9' loaded; it has '1'."), Error(body));
        Assert.Equal(HttpStatusCode.NotFound, (await ReadAsync(Http.GetAsync("v1/jobs/no-such-version"))).Status);

        var (blank, refused) = await ReadAsync(Http.PostAsync("v1/jobs", Json(spec.Replace("\"9\"", "\" \""))));
        Assert.Equal(HttpStatusCode.BadRequest, blank);
        Assert.Contains("version, when given, names a version of the model", Error(refused).Message);
    }

    [Fact]
    public async Task A_path_that_leaves_its_roots_is_400_naming_it_and_nothing_is_read_or_written_outside()
    {
        // The default roots are the silo's current folder, /tmp and OpenCV's samples: /var/tmp lies outside them.
        var outside = Directory.CreateDirectory(Path.Combine("/var/tmp", $"argus-outside-{Guid.NewGuid():N}"));
        try
        {
            var secrets = ImageWarehouse.Create(Path.Combine(outside.FullName, "photos"), 2);
            var photos = Path.Combine(_dir.FullName, "photos");
            var inside = ImageWarehouse.Create(photos, 2);
            var inLink = Path.Combine(_dir.FullName, "in-link");
            Directory.CreateSymbolicLink(inLink, Path.Combine(outside.FullName, "photos"));
            var outLink = Path.Combine(_dir.FullName, "out-link");
            Directory.CreateSymbolicLink(outLink, outside.FullName);
            var pipe = Path.Combine(_dir.FullName, "pipe.txt");
            using (var mkfifo = Process.Start("mkfifo", pipe))
            {
                await mkfifo.WaitForExitAsync();
                Assert.Equal(0, mkfifo.ExitCode);
            }

            var output = Path.Combine(_dir.FullName, "out");
            (string Input, string Output, string Reason)[] escapes =
            [
                ($"{photos}/../photos", output, $"input '{photos}/../photos' has a '..' segment"),
                ("/etc", output, "input '/etc' lies outside the input roots"),
                (Path.Combine(outside.FullName, "photos"), output, "lies outside the input roots"),
                (inLink, output, $"input '{inLink}' lies outside the input roots"),
                ($"{inLink}/*.jpg", output, "lies outside the input roots"),
                ("/dev/zero", output, "input '/dev/zero' lies outside the input roots"),
                (pipe, output, $"input '{pipe}' is not a regular file or a folder"),
                (photos, outside.FullName, "lies outside the output roots (Argus:Storage:OutputRoots)"),
                (photos, outLink, $"output '{outLink}' lies outside the output roots"),
                (photos, Path.Combine(outLink, "deeper"), "lies outside the output roots"),
                (photos, $"{output}/../../escape", "has a '..' segment"),
                (photos, "/etc/argus", "output '/etc/argus' lies outside the output roots"),
            ];
            for (var i = 0; i < escapes.Length; i++)
            {
                var spec = JsonSerializer.Serialize(new { id = $"escape-{i}", input = escapes[i].Input, model = "resnet18", output = escapes[i].Output });
                var (status, body) = await ReadAsync(Http.PostAsync("v1/jobs", Json(spec)));

                Assert.Equal(HttpStatusCode.BadRequest, status);
                Assert.Equal("bad_input", Error(body).Code);
                Assert.Contains(escapes[i].Reason, Error(body).Message);
                Assert.Equal(HttpStatusCode.NotFound, (await ReadAsync(Http.GetAsync($"v1/jobs/escape-{i}"))).Status);
            }

            // A manifest inside the roots is taken; the file outside that it lists fails the job, naming it, before any item runs.
            var manifest = Path.Combine(_dir.FullName, "list.txt");
            File.WriteAllLines(manifest, [inside[0], secrets[0]]);
            using (var submit = await Http.PostAsync("v1/jobs", Json(Spec(manifest, """, "id": "manifest-escape" """))))
            {
                Assert.Equal(HttpStatusCode.Created, submit.StatusCode);
            }

            var failed = await WaitUntilAsync("manifest-escape", s => s.GetProperty("is_finished").GetBoolean(), "the job to fail");
            Assert.Equal("failed", State(failed));
            Assert.Contains($"'{secrets[0]}' lies outside the input roots", failed.GetProperty("error").GetString());
            Assert.Equal(0, failed.GetProperty("items_succeeded").GetInt64());

            // Nothing was written outside: the folder holds the two photos the test put there, and no part file.
            Assert.Equal(secrets.Order(StringComparer.Ordinal), Directory.GetFiles(outside.FullName, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        }
        finally
        {
            outside.Delete(recursive: true);
        }
    }
}
