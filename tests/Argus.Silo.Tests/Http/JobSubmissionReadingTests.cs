using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Argus.Jobs;
using Argus.Silo.Hosting;
using Argus.Silo.Http;

namespace Argus.Silo.Tests.Http;

/// <summary>How a <c>POST /v1/jobs</c> body becomes an id and a spec, and how a status is written; no silo needed.</summary>
public sealed class JobSubmissionReadingTests
{
    // As ASP.NET Core sets up its JSON options: with a resolver of the types' metadata.
    private static readonly JsonSerializerOptions Api = SiloHostExtensions.UseArgusJson(
        new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() });

    private static JobEndpoints.Submission Read(string body) => JobEndpoints.ReadSubmission(Encoding.UTF8.GetBytes(body), Api);

    [Fact]
    public void Every_field_in_snake_case_and_the_id_are_read()
    {
        var submission = Read("""
            {"id": "nightly", "input": "/data/in", "model": "resnet18", "output": "/data/out", "batch_size": 8,
             "shard_size": 100, "video_fps": 2.5, "schedule": "0 2 * * *", "watch": false, "max_attempts": 5, "version": "2",
             "format": "parquet"}
            """);

        Assert.Empty(submission.Problems);
        Assert.Equal("nightly", submission.Id);
        Assert.Equal(new JobSpec
        {
            Input = "/data/in", Model = "resnet18", Output = "/data/out", BatchSize = 8, ShardSize = 100, VideoFps = 2.5,
            Schedule = "0 2 * * *", Watch = false, MaxAttempts = 5, Version = "2", Format = JobOutputFormat.Parquet,
        }, submission.Spec);
    }

    [Fact]
    public void Fields_left_out_take_the_specs_defaults_and_no_id_leaves_it_to_be_generated()
    {
        var submission = Read("""{"input": "/data/in", "model": "resnet18", "output": "/data/out"}""");

        Assert.Empty(submission.Problems);
        Assert.Null(submission.Id);
        Assert.Equal(new JobSpec { Input = "/data/in", Model = "resnet18", Output = "/data/out" }, submission.Spec);
        Assert.Null(submission.Spec!.Version); // the rollout's stable version
        Assert.Equal(submission.Spec, Read("""{"input": "/data/in", "model": "resnet18", "output": "/data/out", "version": null}""").Spec);
    }

    [Fact]
    public void Every_problem_of_the_id_and_the_spec_is_listed()
    {
        var submission = Read("""{"id": "a/b", "input": "photos", "model": "", "output": "/out", "batch_size": 0}""");

        Assert.Collection(submission.Problems,
            p => Assert.StartsWith("id 'a/b' must be", p),
            p => Assert.StartsWith("input 'photos' must be an absolute path", p),
            p => Assert.Equal("model is required.", p),
            p => Assert.StartsWith("batch_size must be 1 to 256 (is 0)", p));
    }

    [Theory]
    [InlineData("{\"input\": ", "The body is not valid JSON")]
    [InlineData("", "The body is not valid JSON")]
    [InlineData("{\"input\": \"/in\"} trailing", "The body is not valid JSON")]
    [InlineData("[1, 2]", "The body must be a JSON object, not a list.")]
    [InlineData("null", "The body must be a JSON object, not null.")]
    [InlineData("\"a spec\"", "The body must be a JSON object, not a string.")]
    public void A_body_that_is_not_a_json_object_is_refused_with_the_reason(string body, string reason)
    {
        var submission = Read(body);

        Assert.Null(submission.Spec);
        Assert.Contains(reason, Assert.Single(submission.Problems));
    }

    [Fact]
    public void A_misspelt_field_a_wrong_type_and_the_specs_own_problems_are_listed_together()
    {
        var submission = Read("""
            {"input": "photos", "model": "m", "output": "/out", "batchsize": 8, "shard_size": "many", "video_fps": [1],
             "watch": "yes", "max_attempts": 2.5, "schedule": 5, "extra": {"a": 1}}
            """);

        Assert.Equal(
        [
            "unknown field 'batchsize' (did you mean 'batch_size'?).",
            "shard_size: expected a whole number (32-bit), not a string.",
            "video_fps: expected a number, not a list.",
            "watch: expected true or false, not a string.",
            "max_attempts: expected a whole number (32-bit), not the number 2.5.",
            "schedule: expected a string, not the number 5.",
            "unknown field 'extra' (known: input, model, output, batch_size, shard_size, video_fps, schedule, watch, max_attempts, tenant, version, format).",
            "input 'photos' must be an absolute path (silos resolve paths on their own machines), or an object store's s3://, az:// or blob URL.",
        ], submission.Problems);
    }

    [Theory]
    [InlineData("""{"id": 7, "input": "/in", "model": "m", "output": "out"}""", "id: expected a string, not the number 7.")]
    [InlineData("""{"id": "\ud800", "input": "/in", "model": "m", "output": "out"}""", "id: the string is not valid UTF-16 (it holds a lone surrogate).")]
    [InlineData("""{"id": "a", "id": "b", "input": "/in", "model": "m", "output": "out"}""", "id: the field is given twice.")]
    public void A_bad_id_is_a_problem_beside_the_specs(string body, string problem)
    {
        var submission = Read(body);

        Assert.Equal([problem, "output 'out' must be an absolute path (silos resolve paths on their own machines), or an object store's s3://, az:// or blob URL."], submission.Problems);
    }

    [Theory]
    [InlineData("""{"input": "/in", "input": "/other", "model": "m", "output": "/out"}""", "input: the field is given twice.")]
    [InlineData("""{"input": "/in", "model": "m", "Model": "n", "output": "/out"}""", "Model: the field is given twice.")]
    [InlineData("""{"input": "/in\udc00", "model": "m", "output": "/out"}""", "input: the string is not valid UTF-16 (it holds a lone surrogate).")]
    [InlineData("""{"input": "/in", "model": "m", "output": "/out", "\ud800x": 1}""", "The body: a field's name is not valid UTF-16 (it holds a lone surrogate).")]
    [InlineData("""{"input": "/in", "model": "m", "output": "/out", "batch_size": null}""", "batch_size: expected a whole number (32-bit), not null.")]
    [InlineData("""{"input": "/in", "model": "m", "output": "/out", "batch_size": 1e10}""", "batch_size: expected a whole number (32-bit), not the number 1e10.")]
    [InlineData("""{"input": "/in", "model": "m", "output": "/out", "version": 2}""", "version: expected a string, not the number 2.")]
    [InlineData("""{"input": "/in", "model": "m", "output": "/out", "version": ""}""", "version, when given, names a version of the model (leave it out for the rollout's stable version).")]
    [InlineData("""{"input": "/in", "model": "m", "output": "/out", "format": "csv"}""", "format: expected one of jsonl, parquet, not a string.")]
    [InlineData("""{"input": "/in", "model": "m", "output": "/out", "format": 7}""", "format must be jsonl or parquet (is 7).")]
    public void A_repeated_field_or_text_that_is_not_utf16_is_a_problem_not_a_crash(string body, string problem) =>
        Assert.Equal(problem, Read(body).Problems[0]);

    [Fact]
    public void Thousands_of_mutated_specs_are_read_or_refused_never_an_exception()
    {
        var original = Encoding.UTF8.GetBytes("""
            {"id": "nightly", "input": "/data/in", "model": "resnet18", "output": "/data/out", "batch_size": 8,
             "shard_size": 100, "video_fps": 2.5, "schedule": "0 2 * * *", "watch": false, "max_attempts": 5, "version": "2",
             "format": "parquet"}
            """);
        var random = new Random(3);
        var (read, refused) = (0, 0);
        for (var i = 0; i < 5000; i++)
        {
            var body = JsonMutations.Mutate(original, random);
            try
            {
                var submission = JobEndpoints.ReadSubmission(body, Api);
                Assert.True(submission.Spec is not null || submission.Problems.Count > 0, $"mutation {i}: neither a spec nor a problem");
                (read, refused) = submission.Problems.Count == 0 ? (read + 1, refused) : (read, refused + 1);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"Mutation {i} (seed 3) threw {e.GetType().Name}: {e.Message}\n{Encoding.UTF8.GetString(body)}");
            }
        }

        Assert.True(read > 0 && refused > 0, $"read {read}, refused {refused}: the mutations should reach both outcomes");
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
