using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Argus.Models;
using Argus.Pipelines;
using Argus.Silo.Hosting;
using Argus.Silo.Http;

namespace Argus.Silo.Tests.Http;

/// <summary>How a <c>POST /v1/pipelines/{id}/backfills</c> body becomes a backfill or every problem it has; no silo needed.</summary>
public sealed class PipelineBackfillReadingTests
{
    private static readonly JsonSerializerOptions Api = SiloHostExtensions.UseArgusJson(
        new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() });

    private static readonly DateTime Created = new(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Now = new(2026, 12, 6, 9, 30, 0, DateTimeKind.Utc);

    private static readonly PipelineSpec Pipeline = new()
    {
        FastModel = "moderation-fast",
        HeavyModel = "moderation-heavy",
        HeavyRule = new DecisionRule { Block = new Dictionary<string, double> { ["Porn"] = 0.7 } },
        Tenant = "acme",
    };

    private static ModelInfo? Find(string name, string? version) => (name, version) switch
    {
        ("moderation-heavy", null or "4.3.0" or "5.0") => new ModelInfo(name, version ?? "4.3.0", "classification",
            new TensorInfo("input", [-1, 3, 299, 299]), new TensorInfo("output", [-1, 5]), ["Drawing", "Hentai", "Neutral", "Porn", "Sexy"], 8),
        ("text-direction", null or "2.0") => new ModelInfo(name, "2.0", "classification",
            new TensorInfo("x", [-1, 3, 48, 192]), new TensorInfo("out", [-1, 2]), ["0", "180"], 4),
        _ => null,
    };

    private const string Request = """{"version": "5.0", "model": "moderation-heavy", "from": "2026-12-02T10:00:00+01:00", "to": "2026-12-03T00:00:00Z", "id": "bf-1"}""";

    private static (BackfillSpec? Spec, IReadOnlyList<string> Problems) Read(string body, DateTime? created = null) =>
        PipelineBackfillEndpoints.ReadRequest("moderation", Pipeline, created ?? Created, Now, Encoding.UTF8.GetBytes(body), Api, Find);

    [Fact]
    public void A_request_is_read_with_its_window_in_utc_and_the_pipelines_heavy_rule_and_tenant()
    {
        var (spec, problems) = Read(Request);

        Assert.Empty(problems);
        Assert.Equal(new BackfillSpec("moderation", "bf-1", "moderation-heavy", "5.0",
            new DateTime(2026, 12, 2, 9, 0, 0, DateTimeKind.Utc), new DateTime(2026, 12, 3, 0, 0, 0, DateTimeKind.Utc), Pipeline.HeavyRule, "acme"), spec);
    }

    [Fact]
    public void The_model_window_and_id_default_to_the_heavy_model_the_pipelines_life_and_a_fresh_id()
    {
        var (spec, problems) = Read("""{"version": "5.0", "to": "2030-01-01T00:00:00Z"}""");

        Assert.Empty(problems);
        Assert.Equal("moderation-heavy", spec!.Model);
        Assert.Equal(Created, spec.From);
        Assert.Equal(Now, spec.To); // a window's end in the future is now: later items are not history yet
        Assert.True(PipelineSpec.IsValidId(spec.Id), spec.Id);
        Assert.NotEqual(spec.Id, Read("""{"version": "5.0"}""").Spec!.Id);
    }

    [Fact]
    public void The_jsons_problems_and_the_requests_own_are_listed_together()
    {
        var (spec, problems) = Read("""{"model": "text-direction", "from": "2026-12-07T00:00:00Z", "id": 7, "verison": "2.0"}""");

        Assert.Null(spec);
        Assert.Contains(problems, p => p.StartsWith("unknown field 'verison' (known: version, model, from, to", StringComparison.Ordinal));
        Assert.Contains("id: expected a string, not the number 7.", problems);
        Assert.Contains("version is required: the model version the history is re-scored with.", problems);
        Assert.Contains(problems, p => p.StartsWith("heavy_rule (the pipeline's).block: 'Porn' is not a label of model 'text-direction'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("to (2026-12-06T09:30:00", StringComparison.Ordinal) && p.Contains("must be after from", StringComparison.Ordinal));

        Assert.Contains("version: model 'moderation-heavy' has no version '6.0'.", Read("""{"version": "6.0"}""").Problems);
        Assert.Contains("model: unknown model 'gone'.", Read("""{"version": "1", "model": "gone"}""").Problems);
    }

    [Fact]
    public void A_pipeline_that_does_not_know_its_creation_needs_a_from()
    {
        var (_, problems) = PipelineBackfillEndpoints.ReadRequest("moderation", Pipeline, null, Now, """{"version": "5.0"}"""u8.ToArray(), Api, Find);

        Assert.Equal(["from is required: the pipeline does not know when it was created."], problems);
    }

    [Fact]
    public void Thousands_of_mutated_requests_are_read_or_refused_never_an_exception()
    {
        var original = Encoding.UTF8.GetBytes(Request);
        var random = new Random(1414);
        var (read, refused) = (0, 0);
        for (var i = 0; i < 5000; i++)
        {
            var body = JsonMutations.Mutate(original, random);
            try
            {
                var (spec, problems) = PipelineBackfillEndpoints.ReadRequest("moderation", Pipeline, Created, Now, body, Api, Find);
                Assert.True(spec is not null ^ problems.Count > 0, $"mutation {i}: a spec and problems, or neither");
                Assert.True(spec is null || spec.From < spec.To && spec.To <= Now, $"mutation {i}: window {spec?.From:O} to {spec?.To:O}");
                (read, refused) = spec is not null ? (read + 1, refused) : (read, refused + 1);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"Mutation {i} (seed 1414) threw {e.GetType().Name}: {e.Message}\n{Encoding.UTF8.GetString(body)}");
            }
        }

        Assert.True(read > 0 && refused > 0, $"read {read}, refused {refused}: the mutations should reach both outcomes");
    }
}
