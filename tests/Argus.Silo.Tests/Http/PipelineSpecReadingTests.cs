using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Argus.Grains.Storage;
using Argus.Inference.Storage;
using Argus.Models;
using Argus.Silo.Hosting;
using Argus.Silo.Http;

namespace Argus.Silo.Tests.Http;

/// <summary>How a <c>PUT /v1/pipelines/{id}</c> body becomes a spec or every problem it has; no silo needed.</summary>
public sealed class PipelineSpecReadingTests
{
    private static readonly JsonSerializerOptions Api = SiloHostExtensions.UseArgusJson(
        new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() });

    private static readonly StorageOptions Storage = new() { InputRoots = [Path.GetTempPath()] };

    private static readonly string[] Labels = ["Drawing", "Hentai", "Neutral", "Porn", "Sexy"];

    private static ModelInfo? Find(string name, string? version) =>
        name is "moderation-fast" or "moderation-heavy" && version is null or "4.3.0"
            ? new ModelInfo(name, "4.3.0", "classification", new TensorInfo("input", [-1, 3, 224, 224]), new TensorInfo("output", [-1, 5]), Labels, 8)
            : null;

    private const string Spec = """
        {"fast_model": "moderation-fast", "fast_version": "4.3.0", "fast_rule": {"block": {"Porn": 0.9}, "review": {"Porn": 0.4, "Sexy": 0.6}},
         "heavy_model": "moderation-heavy", "heavy_rule": {"block": {"Porn": 0.7, "Hentai": 0.7}},
         "heavy_items": "review", "heavy_sample": 0.05, "deadline_s": 600, "fast_p95_ms": 300, "webhook": "http://127.0.0.1:9/hook",
         "retention_days": 30}
        """;

    private static (Pipelines.PipelineSpec? Spec, IReadOnlyList<string> Problems) Read(string body, string id = "moderation") =>
        PipelineEndpoints.ReadSpec(id, Encoding.UTF8.GetBytes(body), Api, Find, Storage, new ObjectStoreOptions());

    [Fact]
    public void Every_field_in_snake_case_is_read_with_the_rules_labels_as_given()
    {
        var (spec, problems) = Read(Spec);

        Assert.Empty(problems);
        Assert.Equal(0.4, spec!.FastRule.Review["Porn"]);
        Assert.Equal(0.7, spec.HeavyRule.Block["Hentai"]);
        Assert.Equal(Pipelines.HeavyItems.Review, spec.HeavyItems);
        Assert.Equal(0.05, spec.HeavySample);
        Assert.Equal("http://127.0.0.1:9/hook", spec.Webhook);
        Assert.Equal(30, spec.RetentionDays);
    }

    [Fact]
    public void The_jsons_problems_and_the_specs_own_are_listed_together()
    {
        var (_, problems) = Read("""
            {"fast_model": "moderation-fast", "fast_rule": {"block": {"Gore": 2}, "review": {"Porn": "high", "Sexy": 0.5}}, "heavy_rule": {"block": []}, "heavy-model": "x",
             "heavy_items": "some", "deadline_s": "soon", "heavy_sample": 1e400, "retention_days": "forever"}
            """, id: ".bad");

        Assert.Contains(problems, p => p.StartsWith("The pipeline id '.bad'", StringComparison.Ordinal));
        Assert.Contains("unknown field 'heavy-model' (did you mean 'heavy_model'?).", problems);
        Assert.Contains(problems, p => p.StartsWith("heavy_items: expected one of all, review", StringComparison.Ordinal));
        Assert.Contains("deadline_s: expected a number, not a string.", problems);
        Assert.Contains("retention_days: expected a number, not a string.", problems);
        Assert.True(problems.Any(p => p.StartsWith("heavy_sample", StringComparison.Ordinal)), string.Join("\n", problems));
        Assert.Contains(problems, p => p.StartsWith("fast_rule.block: 'Gore' is not a label", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("fast_rule.block.Gore: the threshold must be 0 to 1", StringComparison.Ordinal));
        Assert.Contains("fast_rule.review.Porn: expected a number, not a string.", problems);
        Assert.Contains("heavy_rule.block: expected an object, not a list.", problems);
        Assert.Contains("heavy_model is required.", problems);
    }

    [Fact]
    public void Thousands_of_mutated_specs_are_read_or_refused_never_an_exception()
    {
        var original = Encoding.UTF8.GetBytes(Spec);
        var random = new Random(14);
        var (read, refused) = (0, 0);
        for (var i = 0; i < 5000; i++)
        {
            var body = JsonMutations.Mutate(original, random);
            try
            {
                var (spec, problems) = PipelineEndpoints.ReadSpec("moderation", body, Api, Find, Storage, new ObjectStoreOptions());
                Assert.True(spec is not null || problems.Count > 0, $"mutation {i}: neither a spec nor a problem");
                (read, refused) = problems.Count == 0 ? (read + 1, refused) : (read, refused + 1);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"Mutation {i} (seed 14) threw {e.GetType().Name}: {e.Message}\n{Encoding.UTF8.GetString(body)}");
            }
        }

        Assert.True(read > 0 && refused > 0, $"read {read}, refused {refused}: the mutations should reach both outcomes");
    }

    [Fact]
    public void A_watch_and_an_archive_may_be_object_store_prefixes_and_one_refused_or_unreachable_says_why()
    {
        string[] Problems(string watch, string archive, ObjectStoreOptions stores) => [.. PipelineEndpoints.ReadSpec("moderation",
            Encoding.UTF8.GetBytes(Spec.Replace("\"deadline_s\"", $"\"watch\": \"{watch}\", \"archive\": \"{archive}\", \"deadline_s\"", StringComparison.Ordinal)),
            Api, Find, Storage, stores).Problems];
        var azure = new ObjectStoreOptions { Azure = { ConnectionString = "UseDevelopmentStorage=true" } };

        Assert.Empty(Problems("s3://photos/in", "az://kept/images", azure));
        Assert.Empty(Problems("http://127.0.0.1:10000/devstoreaccount1/photos/in", "s3://kept/images", azure));
        Assert.Equal(["watch names bucket 'Bad_Bucket': a bucket is 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit."],
            Problems("s3://Bad_Bucket/in", "s3://kept/images", azure));
        Assert.Contains("credential", Assert.Single(Problems("s3://photos/in", "https://user:secret@acct.blob.core.windows.net/kept?sig=x", azure)), StringComparison.Ordinal);
        Assert.Equal(["archive's key prefix 'a/../b' has an empty, '.' or '..' segment: name keys as a listing shows them."], Problems("s3://photos/in", "s3://kept/a/../b", azure));
        if (Environment.GetEnvironmentVariable(ObjectStoreOptions.AzureConnectionStringVariable) is null)
        {
            Assert.Contains("no connection string", Assert.Single(Problems("s3://photos/in", "az://kept/images", new ObjectStoreOptions())), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_watched_folder_must_be_an_absolute_folder_inside_the_input_roots()
    {
        var inside = Directory.CreateTempSubdirectory("argus-watch-").FullName;
        try
        {
            Assert.Empty(Read(Spec.Replace("\"deadline_s\"", $"\"watch\": \"{inside}\", \"deadline_s\"", StringComparison.Ordinal)).Problems);
            Assert.Equal<string>(["watch 'photos' must be an absolute path (silos resolve paths on their own machines), or an object store's s3://, az:// or blob URL."],
                Read(Spec.Replace("\"deadline_s\"", "\"watch\": \"photos\", \"deadline_s\"", StringComparison.Ordinal)).Problems);
            var outside = Read(Spec.Replace("\"deadline_s\"", "\"watch\": \"/etc\", \"deadline_s\"", StringComparison.Ordinal)).Problems;
            Assert.Contains("/etc", Assert.Single(outside), StringComparison.Ordinal);
            Assert.Contains("input roots", outside[0], StringComparison.Ordinal);
            Assert.Single(Read(Spec.Replace("\"deadline_s\"", $"\"watch\": \"{inside}/missing\", \"deadline_s\"", StringComparison.Ordinal)).Problems);
        }
        finally
        {
            Directory.Delete(inside, recursive: true);
        }
    }
}
