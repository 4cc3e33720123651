using System.Text;
using System.Text.Json;
using Argus.Jobs;
using Argus.Silo.Hosting;
using Argus.Silo.Http;

namespace Argus.Silo.Tests.Http;

/// <summary>How a <c>POST /v1/jobs</c> body becomes an id and a spec, and how a status is written; no silo needed.</summary>
public sealed class JobSubmissionReadingTests
{
    private static readonly JsonSerializerOptions Api = SiloHostExtensions.UseArgusJson(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private static Task<JobEndpoints.Submission> ReadAsync(string body) =>
        JobEndpoints.ReadSubmissionAsync(new MemoryStream(Encoding.UTF8.GetBytes(body)), JobEndpoints.SpecJson(Api), CancellationToken.None);

    [Fact]
    public async Task Every_field_in_snake_case_and_the_id_are_read()
    {
        var submission = await ReadAsync("""
            {"id": "nightly", "input": "/data/in", "model": "resnet18", "output": "/data/out", "batch_size": 8,
             "shard_size": 100, "video_fps": 2.5, "schedule": "0 2 * * *", "watch": false, "max_attempts": 5}
            """);

        Assert.Empty(submission.Problems);
        Assert.Equal("nightly", submission.Id);
        Assert.Equal(new JobSpec
        {
            Input = "/data/in", Model = "resnet18", Output = "/data/out", BatchSize = 8, ShardSize = 100, VideoFps = 2.5,
            Schedule = "0 2 * * *", Watch = false, MaxAttempts = 5,
        }, submission.Spec);
    }

    [Fact]
    public async Task Fields_left_out_take_the_specs_defaults_and_no_id_leaves_it_to_be_generated()
    {
        var submission = await ReadAsync("""{"input": "/data/in", "model": "resnet18", "output": "/data/out"}""");

        Assert.Empty(submission.Problems);
        Assert.Null(submission.Id);
        Assert.Equal(new JobSpec { Input = "/data/in", Model = "resnet18", Output = "/data/out" }, submission.Spec);
    }

    [Fact]
    public async Task Every_problem_of_the_id_and_the_spec_is_listed()
    {
        var submission = await ReadAsync("""{"id": "a/b", "input": "photos", "model": "", "output": "/out", "batch_size": 0}""");

        Assert.Collection(submission.Problems,
            p => Assert.StartsWith("id 'a/b' must be", p),
            p => Assert.StartsWith("input 'photos' must be an absolute path", p),
            p => Assert.Equal("model is required.", p),
            p => Assert.StartsWith("batch_size must be 1 to 256 (is 0)", p));
    }

    [Theory]
    [InlineData("{\"input\": ", "The body is not valid JSON")]
    [InlineData("", "The body is not valid JSON")]
    [InlineData("[1, 2]", "The body must be a JSON object")]
    [InlineData("{\"input\": \"/in\", \"model\": \"m\", \"output\": \"/out\", \"batchsize\": 8}", "'batchsize' could not be mapped")]
    [InlineData("{\"input\": \"/in\", \"model\": \"m\", \"output\": \"/out\", \"batch_size\": \"eight\"}", "The spec does not fit a job's fields")]
    public async Task A_body_that_is_not_a_specs_json_is_refused_with_the_reason(string body, string reason)
    {
        var submission = await ReadAsync(body);

        Assert.Null(submission.Spec);
        Assert.Contains(reason, Assert.Single(submission.Problems));
    }

    [Fact]
    public async Task An_id_that_is_not_a_string_is_a_problem_beside_the_specs()
    {
        var submission = await ReadAsync("""{"id": 7, "input": "/in", "model": "m", "output": "out"}""");

        Assert.Equal(["id must be a string.", "output 'out' must be an absolute path."], submission.Problems);
    }

    [Fact]
    public void A_status_is_written_in_snake_case_with_its_eta_in_seconds()
    {
        var status = new JobStatus(
            "j1", JobState.Running, new JobSpec { Input = "/in", Model = "resnet18", Output = "/out" }, "/out/j1",
            ItemsTotal: 42, ItemsSucceeded: 20, ItemsFailed: 2, ShardsTotal: 3, ShardsDone: 1, ShardsLeased: 2,
            ItemsPerSecond: 12.5, Eta: TimeSpan.FromSeconds(1.6), new Dictionary<string, long> { ["bad_input"] = 2 },
            new DateTime(2026, 11, 30, 1, 15, 0, DateTimeKind.Utc), FinishedAt: null, Error: null, NextRunAt: null, Runs: []);

        var json = JsonDocument.Parse(JsonSerializer.Serialize(JobEndpoints.JobView.Of(status), Api)).RootElement;

        Assert.Equal("running", json.GetProperty("state").GetString());
        Assert.False(json.GetProperty("is_finished").GetBoolean());
        Assert.Equal(1.6, json.GetProperty("eta_s").GetDouble());
        Assert.False(json.TryGetProperty("eta", out _));
        Assert.Equal(22, json.GetProperty("items_succeeded").GetInt64() + json.GetProperty("items_failed").GetInt64());
        Assert.Equal(2, json.GetProperty("failures").GetProperty("bad_input").GetInt64());
        Assert.Equal(32, json.GetProperty("spec").GetProperty("batch_size").GetInt32());
        Assert.Equal("/out/j1", json.GetProperty("output_folder").GetString());
        Assert.False(json.TryGetProperty("finished_at", out _));
    }
}
