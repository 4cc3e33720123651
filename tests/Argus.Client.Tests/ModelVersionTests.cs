using Argus.Devices;
using Argus.Errors;
using Argus.Models;
using Argus.Testing;

namespace Argus.Client.Tests;

/// <summary>
/// Model versions through the SDK against a real silo of their own: a second version of ResNet18 loaded at run time,
/// a canary by route key, compare, promote, and the refusals.
/// </summary>
public sealed class ModelVersionTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    /// <summary>ResNet18 again from the silo's own file, with other batching: answers as v1 does.</summary>
    internal const string Version2 = """
        {"version": "2", "path": "resnet18/ResNet18.onnx", "preprocessPath": "resnet18/ResNetPreprocess.onnx", "task": "Embedding",
         "preprocess": {"width": 224, "height": 224, "resize": "Stretch", "channels": "Rgb"},
         "batching": {"maxBatchSize": 4, "maxDelayMs": 2}}
        """;

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private IArgusClient Client => fixture.Host!.Client;

    [Fact]
    public async Task A_version_loaded_at_run_time_serves_by_name_then_as_a_sticky_canary_and_is_promoted()
    {
        var image = TestData.Image("apple.jpg");
        var change = await Client.LoadModelAsync("resnet18", Version2);
        Assert.Equal(("resnet18", "2"), (change.Model, change.Version));
        Assert.Empty(Assert.Single(change.Silos).Failures);
        var again = await Client.LoadModelAsync("resnet18", Version2); // the same definition again does nothing
        Assert.Equal(change.Silos.Select(s => s.Silo), again.Silos.Select(s => s.Silo));
        Assert.Empty(again.Silos.SelectMany(s => s.Failures));
        Assert.Contains(new ModelDefinition("resnet18", "2", Version2), (await Client.GetRepositoryAsync()).Loaded);

        await Eventually.HoldsAsync(async () => (await Client.GetDevicesAsync()).Any(d => d.Find("resnet18", "2") is not null), Wait, "v2 in the routing table");
        var named = await Client.InferAsync("resnet18", [InferenceInput.FromImage(image)], version: "2");
        Assert.Equal("2", named.Version);
        Assert.Equal((await Client.InferImageAsync("resnet18", image, version: "1")).Embedding, named.Items[0].Embedding);

        var rollout = await Client.SetRolloutAsync("resnet18", new RolloutSpec(Canary: "2", CanaryPercent: 20));
        Assert.Equal(("1", "2", 20.0), (rollout.Stable, rollout.Canary, rollout.CanaryPercent));

        // Each key lands where the rollout's pure choice sends it, at once for this client, and stays there.
        var keys = Enumerable.Range(0, 200).Select(i => $"user-{i}").ToArray();
        var landed = new Dictionary<string, string>();
        foreach (var key in keys)
        {
            landed[key] = (await Client.InferAsync("resnet18", [InferenceInput.FromImage(image)], routeKey: key)).Version;
            Assert.Equal(RolloutRouting.Choose(rollout, RouteKeys.Of(key)).Version, landed[key]);
        }

        // The keys' hashes are fixed, so the share is too: within three standard deviations of 20 % of 200 (40 ± 17).
        Assert.InRange(landed.Values.Count(v => v == "2"), 23, 57);
        foreach (var key in keys.Take(20))
        {
            Assert.Equal(landed[key], (await Client.InferAsync("resnet18", [InferenceInput.FromImage(image)], routeKey: key)).Version);
        }

        // The client's own figures reach the rollout within a report period or two.
        await Eventually.HoldsAsync(async () =>
        {
            var versions = (await Client.CompareAsync("resnet18")).Versions;
            return versions.Any(v => v is { Version: "1", Role: "stable", Items: > 0 }) && versions.Any(v => v is { Version: "2", Role: "canary", Items: > 0 });
        }, Wait, "both versions' figures in the comparison");

        var promoted = await Client.PromoteAsync("resnet18");
        Assert.Equal(("2", null), (promoted.Stable, promoted.Canary));
        var read = await Client.GetRolloutAsync("resnet18");
        Assert.Equal((promoted.Revision, "2"), (read.Revision, read.Stable));
        Assert.Equal(["set", "promote"], promoted.History.Select(e => e.Kind));
        Assert.Equal("2", (await Client.InferAsync("resnet18", [InferenceInput.FromImage(image)], routeKey: keys[0])).Version);

        await Assert.ThrowsAsync<ModelConflictException>(() => Client.RollbackAsync("resnet18", "nothing to roll back"));
        await Assert.ThrowsAsync<ModelConflictException>(() => Client.UnloadModelAsync("resnet18", "2"));

        // Back to v1, then v2 goes, and a call that names it is refused.
        Assert.Equal("1", (await Client.SetRolloutAsync("resnet18", new RolloutSpec(Stable: "1"))).Stable);
        await Client.UnloadModelAsync("resnet18", "2");
        Assert.DoesNotContain((await Client.GetRepositoryAsync()).Loaded, d => d.Ref.Is("resnet18", "2"));
        await Eventually.HoldsAsync(async () => (await Client.GetDevicesAsync()).All(d => d.Find("resnet18", "2") is null), Wait, "v2 to leave the routing table");
        var unknown = await Assert.ThrowsAsync<UnknownVersionException>(() => Client.InferImageAsync("resnet18", image, version: "2"));
        Assert.Contains("'1'", unknown.Message);
    }

    [Fact]
    public async Task Refusals_arrive_as_typed_exceptions_and_leave_nothing_loaded()
    {
        var before = await Client.GetRepositoryAsync();
        await Assert.ThrowsAsync<BadInputException>(() => Client.LoadModelAsync("resnet18", """[{"version": "3"}]"""));
        await Assert.ThrowsAsync<BadInputException>(() => Client.LoadModelAsync("resnet18", """{"path": "resnet18/ResNet18.onnx"}"""));
        var outside = await Assert.ThrowsAsync<BadInputException>(
            () => Client.LoadModelAsync("resnet18", Version2.Replace("\"2\"", "\"3\"").Replace("resnet18/ResNet18.onnx", "../../etc/passwd")));
        Assert.Contains("'3'", outside.Message);
        await Assert.ThrowsAsync<ModelConflictException>(() => Client.LoadModelAsync("resnet18", Version2.Replace("\"2\"", "\"1\"")));
        Assert.Equal(before.Loaded, (await Client.GetRepositoryAsync()).Loaded);

        await Assert.ThrowsAsync<BadInputException>(() => Client.SetRolloutAsync("resnet18", new RolloutSpec(Stable: "1", Canary: "1", CanaryPercent: 20)));
        await Assert.ThrowsAsync<BadInputException>(() => Client.SetRolloutAsync("resnet18", new RolloutSpec(Canary: "9", CanaryPercent: 120)));
        await Assert.ThrowsAsync<UnknownVersionException>(() => Client.SetRolloutAsync("resnet18", new RolloutSpec(Canary: "9", CanaryPercent: 20)));
        await Assert.ThrowsAsync<UnknownVersionException>(() => Client.UnloadModelAsync("resnet18", "9"));
        await Assert.ThrowsAsync<UnknownVersionException>(() => Client.InferImageAsync("resnet18", TestData.Image("apple.jpg"), version: "9"));
        await Assert.ThrowsAsync<ModelConflictException>(() => Client.PromoteAsync("text-direction"));
    }
}

/// <summary>How the SDK (and the silos) read a load request's definition; no cluster needed.</summary>
public sealed class ModelDefinitionTests
{
    [Theory]
    [InlineData("""{"version": "2", "path": "a.onnx"}""", "2")]
    [InlineData("""{"Version": "v2.1", /* as in appsettings */ "Path": "a.onnx",}""", "v2.1")]
    public void The_version_is_read_from_the_object_in_any_case(string json, string version) =>
        Assert.Equal(version, ModelDefinition.FromJson("resnet18", json).Version);

    [Theory]
    [InlineData("not json")]
    [InlineData("""["version", "2"]""")]
    [InlineData("\"2\"")]
    [InlineData("""{"path": "a.onnx"}""")]
    [InlineData("""{"version": 2}""")]
    [InlineData("""{"version": " "}""")]
    public void Anything_but_an_object_with_a_version_string_is_bad_input(string json) =>
        Assert.Throws<BadInputException>(() => ModelDefinition.FromJson("resnet18", json).Version);
}
