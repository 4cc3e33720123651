using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Argus.Cameras;
using Argus.Grains.Cameras;
using Argus.Grains.Storage;
using Argus.Inference;
using Argus.Inference.Models;
using Argus.Inference.Storage;
using Argus.Models;
using Argus.Pipelines;
using Argus.Silo.Hosting;
using Argus.Silo.Http;
using Argus.Testing.Fuzzing;
using Microsoft.Extensions.Options;

namespace Argus.Silo.Tests.Http;

/// <summary>
/// The JSON bodies of the v1 API that hold a spec (a job, a camera's configuration, a pipeline, a backfill, a
/// rollout), fuzzed from real bodies (<c>Fuzzing/Corpus/{body}</c>): each is read to a value or to a list of problems,
/// every one said, never an exception, in memory that follows the body's length.
/// </summary>
public sealed class JsonBodyFuzzTests
{
    private static readonly JsonSerializerOptions Api = SiloHostExtensions.UseArgusJson(
        new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() });

    private static readonly StorageOptions Storage = new() { InputRoots = [Path.GetTempPath()] };

    private static readonly CameraConfigValidator Cameras = new(
        Options.Create(new InferenceOptions
        {
            Models =
            [
                new ModelOptions { Name = "resnet18", Task = ModelTask.Embedding },
                new ModelOptions { Name = "text-detection", Task = ModelTask.Detection },
            ],
        }),
        Options.Create(new StorageOptions { CameraRoots = [Path.GetTempPath()] }));

    private static readonly PipelineSpec Moderation = new()
    {
        FastModel = "moderation-fast",
        FastRule = new DecisionRule { Block = new Dictionary<string, double> { ["Porn"] = 0.9 } },
        HeavyModel = "moderation-heavy",
        HeavyRule = new DecisionRule { Block = new Dictionary<string, double> { ["Porn"] = 0.7 } },
    };

    private static readonly Dictionary<string, Func<byte[], IReadOnlyList<string>>> Bodies = new()
    {
        ["job-spec"] = body => JobEndpoints.ReadSubmission(body, Api).Problems,
        ["camera-config"] = body => JsonFieldReader.ReadObject<CameraConfig>(body, Api) is { Value: { } config } read
            ? [.. read.Problems, .. Cameras.Validate("gate-1", config)]
            : JsonFieldReader.ReadObject<CameraConfig>(body, Api).Problems,
        ["pipeline-spec"] = body => PipelineEndpoints.ReadSpec("moderation", body, Api, Find, Storage, new ObjectStoreOptions()).Problems,
        ["backfill"] = body => PipelineBackfillEndpoints.ReadRequest(
            "moderation", Moderation, new DateTime(2026, 11, 1), new DateTime(2026, 12, 6), body, Api, Find).Problems,
        ["rollout-spec"] = body => JsonFieldReader.ReadObject<RolloutSpec>(body, Api).Problems,
    };

    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "null", "true", "[", "]", "{", "}", ",", ":", "\"", "\\", "\\ud800", "\\u0000", "1e400", "-1", "0.5", "4294967296", "1099511627776",
            "99999999999999999999999", "NaN", "\"\"", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "\"name\":\"x\",", "\"id\":\"a/b\",", "\"rules\":[],",
            "\"schedule\":\"0 0 30 2 *\",", "\"schedule\":\"1-0 * * * *\",", "s3://", "az://", "..", "/", "é", "\uFFFF",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    public static TheoryData<string> Names => [.. Bodies.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void The_corpus_and_every_kept_crasher_are_read_to_a_value_or_problems(string body) => Fuzz.Replay(body, data => Read(body, data));

    [Theory]
    [MemberData(nameof(Names))]
    public void Mutated_bodies_are_read_to_a_value_or_problems(string body) =>
        Fuzz.Run(body, Fuzz.Mutants([.. Fuzz.Corpus(body).Select(f => f.Bytes)], Tokens), data => Read(body, data), data => data);

    private static void Read(string name, byte[] body)
    {
        // The JSON DOM, its clone and the bound value: a small multiple of the body, plus the serializer's metadata.
        var problems = Fuzz.Bounded((512 << 10) + 64L * body.Length, () => Bodies[name](body));
        Assert.All(problems, p => Assert.False(string.IsNullOrWhiteSpace(p)));
    }

    private static ModelInfo? Find(string name, string? version) =>
        name is "moderation-fast" or "moderation-heavy" && version is null or "4.3.0"
            ? new ModelInfo(name, "4.3.0", "classification", new TensorInfo("input", [-1, 3, 224, 224]), new TensorInfo("output", [-1, 5]),
                ["Drawing", "Hentai", "Neutral", "Porn", "Sexy"], 8)
            : null;
}
