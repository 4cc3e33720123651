using System.Text.RegularExpressions;
using Argus.Testing;

namespace Argus.Cli.Tests;

/// <summary>
/// <c>argus model</c> against a real silo of its own (the versions and rollout it sets would change what the other CLI
/// tests' silo serves), output captured: load, list, rollout, compare, promote, roll back, unload.
/// </summary>
public sealed class ModelCommandSiloTests(CliSiloFixture fixture) : IClassFixture<CliSiloFixture>, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("argus-models-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    private Task<(int Code, string Output)> RunAsync(params string[] args) => fixture.RunAsync(args);

    [Fact]
    public async Task A_second_version_is_loaded_rolled_out_as_a_canary_compared_promoted_and_unloaded()
    {
        var definition = Path.Combine(_dir.FullName, "resnet18-v2.json");
        await File.WriteAllTextAsync(definition, """
            {"version": "2", "path": "resnet18/ResNet18.onnx", "preprocessPath": "resnet18/ResNetPreprocess.onnx", "task": "Embedding",
             "preprocess": {"width": 224, "height": 224, "resize": "Stretch", "channels": "Rgb"}, "batching": {"maxBatchSize": 4}}
            """);

        var (loaded, load) = await RunAsync("model", "load", "resnet18", "--file", definition);
        Assert.True(loaded == 0, load);
        Assert.Contains($"Model resnet18 v2 loaded on 1 silo(s): {fixture.Silo!.Name}.", load);

        var warm = $@"│ resnet18\s+│ 2\s+│ repository\s+│ {fixture.Device.Key}\s+│\s+│";
        var list = "";
        await Eventually.HoldsAsync(async () => Regex.IsMatch(list = (await RunAsync("model", "list")).Output, warm), TimeSpan.FromSeconds(30), "v2 warm");
        Assert.Matches($@"│ resnet18\s+│ 1\s+│ configuration\s+│ {fixture.Device.Key}\s+│ yes\s+│", list);
        // Every configured model has one version, and resnet18 now two.
        var counts = Regex.Match(list, @"(\d+) model\(s\), (\d+) version\(s\)\.");
        Assert.True(counts.Success, list);
        Assert.Equal(int.Parse(counts.Groups[1].Value) + 1, int.Parse(counts.Groups[2].Value));

        var (set, rollout) = await RunAsync("model", "rollout", "resnet18", "--canary", "2", "--percent", "20");
        Assert.True(set == 0, rollout);
        Assert.Contains("resnet18 (revision 1): stable v1, canary v2 at 20 % of keys (10 % compared with stable).", rollout);
        Assert.Contains("stable v1, canary v2 at 20 %", (await RunAsync("model", "rollout", "resnet18")).Output);

        var image = Path.Combine(TestData.ImagesDir, "apple.jpg");
        foreach (var key in Enumerable.Range(0, 20).Select(i => $"key-{i}"))
        {
            Assert.Equal(0, (await RunAsync("infer", "-m", "resnet18", "--route-key", key, image)).Code);
        }

        Assert.Contains("resnet18 v2 on", (await RunAsync("infer", "-m", "resnet18", "--model-version", "2", image)).Output);
        // Each argus command reports its calls' figures as it stops.
        var compare = "";
        await Eventually.HoldsAsync(
            async () => Regex.IsMatch(compare = (await RunAsync("model", "compare", "resnet18")).Output, @"│ 1\s+│ stable\s+│ [1-9]\d*\s+│ 0 %\s+│ \d+\.\d\s+│"),
            TimeSpan.FromSeconds(30), "stable's figures");
        Assert.Matches(@"│ 2\s+│ canary\s+│ \d+\s+│", compare);
        Assert.Matches(@"│ set\s+│", compare);

        var (promoted, promote) = await RunAsync("model", "promote", "resnet18");
        Assert.True(promoted == 0, promote);
        Assert.Contains("resnet18 (revision 2): stable v2.", promote);
        Assert.Matches(@"│ promote\s+│ Version '2' is stable", promote);

        var (refused, why) = await RunAsync("model", "rollback", "resnet18", "--reason", "p95 too high");
        Assert.Equal(2, refused);
        Assert.Contains("ModelConflictException: Model 'resnet18' has no canary to roll back.", why);
        var (kept, keep) = await RunAsync("model", "unload", "resnet18", "2");
        Assert.Equal(2, kept);
        Assert.Contains("ModelConflictException:", keep);

        Assert.Equal(0, (await RunAsync("model", "rollout", "resnet18", "--stable", "1", "--canary", "2", "--percent", "5")).Code);
        var (rolledBack, rollback) = await RunAsync("model", "rollback", "resnet18", "--reason", "p95 too high");
        Assert.True(rolledBack == 0, rollback);
        Assert.Contains("Canary '2' rolled back: p95 too high.", rollback);

        var (unloaded, unload) = await RunAsync("model", "unload", "resnet18", "2");
        Assert.True(unloaded == 0, unload);
        Assert.Contains("Model resnet18 v2 unloaded from 1 silo(s).", unload);
        await Eventually.HoldsAsync(
            async () => (await RunAsync("infer", "-m", "resnet18", "--model-version", "2", image)).Output.Contains("UnknownVersionException: Model 'resnet18' has no version '2'"),
            TimeSpan.FromSeconds(30), "v2 to leave the routing table");
    }
}
