using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Argus.Cameras;
using Argus.Devices;
using Argus.Silo.Hosting;
using Argus.Silo.Http;

namespace Argus.Silo.Tests.Http;

/// <summary>
/// How a JSON body is bound to a contract type with every problem listed, on a camera's configuration (a record
/// holding a list of positional records and an enum); <see cref="JobSubmissionReadingTests"/> has the job spec's.
/// </summary>
public sealed class JsonFieldReaderTests
{
    // As ASP.NET Core sets up its JSON options: with a resolver of the types' metadata.
    private static readonly JsonSerializerOptions Api = SiloHostExtensions.UseArgusJson(
        new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() });

    private static JsonFieldReader.Read<CameraConfig> Read(string body) =>
        JsonFieldReader.ReadObject<CameraConfig>(Encoding.UTF8.GetBytes(body), Api);

    [Fact]
    public void A_valid_configuration_is_bound_whole()
    {
        var read = Read("""
            {"source": "push", "models": ["resnet18"], "target_fps": 2, "max_in_flight": 3, "lane": "batch", "loop": true,
             "rules": [{"name": "r", "kind": "scene_change", "model": "resnet18", "threshold": 0.3, "k": 2, "n": 4}]}
            """);

        Assert.Empty(read.Problems);
        Assert.Equal(new AlertRule("r", AlertRuleKind.SceneChange, "resnet18", 0.3, 2, 4), Assert.Single(read.Value!.Rules));
        Assert.Equal((2.0, 3, Lane.Batch, true), (read.Value.TargetFps, read.Value.MaxInFlight, read.Value.Lane, read.Value.Loop));
    }

    [Fact]
    public void A_misspelt_field_is_one_problem_and_the_rest_is_still_bound_for_its_own_validation()
    {
        var read = Read("""
            {"models": ["nope"], "target_fps": 0, "max_inflight": 2,
             "rules": [{"name": "r", "kind": "detection", "model": "resnet18", "threshold": 0.5, "k": 3, "n": 2}]}
            """);

        Assert.Equal(["unknown field 'max_inflight' (did you mean 'max_in_flight'?)."], read.Problems);
        Assert.Equal(["nope"], read.Value!.Models);
        Assert.Equal(0, read.Value.TargetFps);
        Assert.Equal((3, 2), (read.Value.Rules[0].K, read.Value.Rules[0].N));
    }

    [Fact]
    public void Problems_inside_the_rules_are_named_by_their_place()
    {
        var read = Read("""
            {"models": ["resnet18"], "lane": "urgent", "target_fps": "fast",
             "rules": [{"name": "r", "kind": "sometimes", "model": "resnet18", "threshold": 0.5, "k": 1, "n": 1, "kk": 2}, 3, null]}
            """);

        Assert.Equal(
        [
            "lane: expected one of realtime, interactive, batch, not a string.",
            "target_fps: expected a number, not a string.",
            "rules[0].kind: expected one of detection, scene_change, not a string.",
            "rules[0]: unknown field 'kk' (known: name, kind, model, threshold, k, n).",
            "rules[1]: expected an object, not the number 3.",
        ], read.Problems);
        Assert.Equal(2, read.Value!.Rules.Count); // the first rule without its kind, and the null one, left to the validation
    }

    [Theory]
    [InlineData("""{"models": "resnet18"}""", "models: expected a list, not a string.")]
    [InlineData("""{"models": [1]}""", "models[0]: expected a string, not the number 1.")]
    [InlineData("""{"rules": {}}""", "rules: expected a list, not an object.")]
    [InlineData("""{"loop": 1}""", "loop: expected true or false, not the number 1.")]
    [InlineData("""{"max_in_flight": 1e400}""", "max_in_flight: expected a whole number (32-bit), not the number 1e400.")]
    [InlineData("""{"source": "\udfff"}""", "source: the string is not valid UTF-16 (it holds a lone surrogate).")]
    [InlineData("""{"loop": true, "loop": false}""", "loop: the field is given twice.")]
    public void A_field_of_the_wrong_type_is_named_with_what_it_should_be(string body, string problem) =>
        Assert.Equal([problem], Read(body).Problems);

    [Fact]
    public void Nesting_deeper_than_any_contract_is_refused_as_json()
    {
        var read = Read("{\"models\": " + new string('[', 100) + new string(']', 100) + "}");

        Assert.Null(read.Value);
        Assert.StartsWith("The body is not valid JSON", Assert.Single(read.Problems));
    }

    [Fact]
    public void Thousands_of_mutated_configurations_are_bound_or_refused_never_an_exception()
    {
        var original = Encoding.UTF8.GetBytes("""
            {"source": "push", "models": ["resnet18"], "target_fps": 2, "max_in_flight": 3, "lane": "batch",
             "rules": [{"name": "r", "kind": "scene_change", "model": "resnet18", "threshold": 0.3, "k": 2, "n": 4}]}
            """);
        var random = new Random(5);
        var (bound, refused) = (0, 0);
        for (var i = 0; i < 5000; i++)
        {
            var body = JsonMutations.Mutate(original, random);
            try
            {
                var read = JsonFieldReader.ReadObject<CameraConfig>(body, Api);
                Assert.True(read.Value is not null || read.Problems.Count > 0, $"mutation {i}: neither a value nor a problem");
                (bound, refused) = read.Problems.Count == 0 ? (bound + 1, refused) : (bound, refused + 1);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"Mutation {i} (seed 5) threw {e.GetType().Name}: {e.Message}\n{Encoding.UTF8.GetString(body)}");
            }
        }

        Assert.True(bound > 0 && refused > 0, $"bound {bound}, refused {refused}: the mutations should reach both outcomes");
    }
}
