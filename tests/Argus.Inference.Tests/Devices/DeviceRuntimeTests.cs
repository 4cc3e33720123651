using Argus.Inference.Batching;
using Argus.Inference.Devices;
using Argus.Inference.Imaging;
using Argus.Inference.Models;
using Argus.Inference.Postprocessing;
using Argus.Testing;

namespace Argus.Inference.Tests.Devices;

/// <summary>Model versions on a real CPU runtime: configured side by side, loaded at run time, refused, unloaded.</summary>
public sealed class DeviceRuntimeTests(CpuRuntimeFixture fixture) : IClassFixture<CpuRuntimeFixture>
{
    private DeviceRuntime Runtime => fixture.Host.Runtime;

    private static async Task<ItemOutcome> InferAsync(InferenceDevice device, LoadedModel model, string photo) =>
        await device.InferAsync(model, TestData.Image(photo), null, BatchLane.Interactive, BatchTenant.None, RuntimeHost.Deadline, raw: false, CancellationToken.None);

    [Fact]
    public async Task Two_configured_versions_of_a_name_both_load_and_answer_with_their_own_version()
    {
        var device = Assert.Single(Runtime.Devices);

        Assert.Equal(["1", "2"], device.Versions("ResNet18").Select(m => m.Version));
        Assert.Equal("1", device.FindModel("RESNET18")!.Version);
        List<float[]> embeddings = [];
        foreach (var version in new[] { "1", "2" })
        {
            var model = device.FindModel("resnet18", version)!;
            var outcome = await InferAsync(device, model, "messi5.jpg");

            Assert.Null(outcome.Failure);
            Assert.Equal(version, model.Version);
            Assert.Equal(version, model.Queue.Labels.Version);
            embeddings.Add(outcome.Output!.Embedding!);
        }

        // v2 fits the 548×342 photo into the input where v1 stretches it: two pipelines, two answers.
        Assert.NotEqual(embeddings[0], embeddings[1]);
        Assert.Null(device.FindModel("resnet18", "3"));
    }

    [Fact]
    public async Task A_version_loaded_at_run_time_serves_beside_the_configured_one_until_it_is_unloaded()
    {
        var device = Assert.Single(Runtime.Devices);
        var before = fixture.Host.Loaded();

        Assert.True(await Runtime.LoadAsync(CpuRuntimeFixture.TextDirection("2.1"), CancellationToken.None));

        var loaded = device.FindModel("text-direction", "2.1")!;
        var outcome = await InferAsync(device, loaded, "imageTextN.png");
        Assert.Null(outcome.Failure);
        Assert.Equal(["0", "180"], outcome.Output!.Classes!.Select(c => c.Label).Order());
        Assert.Equal("2.0", device.FindModel("text-direction")!.Version);
        Assert.Equal([.. before[0], "text-direction v2.1"], fixture.Host.Loaded()[0]);

        Assert.True(await Runtime.UnloadAsync("TEXT-DIRECTION", "2.1", CancellationToken.None));
        Assert.Null(device.FindModel("text-direction", "2.1"));
        Assert.Equal(before, fixture.Host.Loaded());
        Assert.False(await Runtime.UnloadAsync("text-direction", "2.1", CancellationToken.None));
    }

    [Fact]
    public async Task Loading_the_same_definition_twice_does_nothing_and_a_different_one_under_the_same_version_is_refused()
    {
        Assert.True(await Runtime.LoadAsync(CpuRuntimeFixture.TextDirection("twice"), CancellationToken.None));
        var loaded = fixture.Host.Loaded();
        var first = Runtime.Devices[0].FindModel("text-direction", "twice");

        var again = CpuRuntimeFixture.TextDirection("twice");
        again.Name = "Text-Direction";
        Assert.False(await Runtime.LoadAsync(again, CancellationToken.None));
        Assert.Same(first, Runtime.Devices[0].FindModel("text-direction", "twice"));

        var different = CpuRuntimeFixture.TextDirection("twice");
        different.TopK = 1;
        var e = await Assert.ThrowsAsync<ModelLoadException>(() => Runtime.LoadAsync(different, CancellationToken.None));
        Assert.Contains("already loaded with a different definition", e.Message);
        Assert.Equal(loaded, fixture.Host.Loaded());

        Assert.True(await Runtime.UnloadAsync("text-direction", "twice", CancellationToken.None));
    }

    public static TheoryData<string, Action<ModelOptions>, string> Refusals => new()
    {
        { "a missing file", m => m.Path = "ppocr/absent.onnx", "'ppocr/absent.onnx' is missing" },
        { "a JPEG named like a model", m => m.Path = "photo.onnx", "photo.onnx is not an ONNX model" },
        { "a file outside the root", m => m.Path = RuntimeHost.ShippedModel("ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx"), "outside the model root" },
        { "a '..' segment", m => m.LabelsPath = "ppocr/../text-direction.txt", "'..' segment" },
        { "labels outside the root", m => m.LabelsPath = "/etc/passwd", "'/etc/passwd' lies outside the model root" },
        {
            "an input the model does not take",
            m => (m.Path, m.PreprocessPath) = ("resnet18/ResNet18.onnx", "resnet18/ResNetPreprocess.onnx"),
            "preprocessing makes items of shape [3,48,192]"
        },
        { "an invalid definition", m => (m.TopK, m.Version) = (0, "a/b"), "va/b: Version must be 1 to 64 letters, digits, '.', '-' or '_' (is 'a/b'). Model 'text-direction' va/b: TopK must be at least 1." },
        { "another task than the name's other versions", m => m.Task = ModelTask.Embedding, "must share one task" },
        { "another spelling of the name", m => m.Name = "Text-Direction", "spell its name differently (text-direction, Text-Direction)" },
        { "a profile file rather than a shipped name", m => m.SimProfile = "/etc/passwd", "No latency profile '/etc/passwd'" },
        {
            "a detector whose output is not a map",
            m => (m.Name, m.Task, m.Path, m.PreprocessPath, m.LabelsPath, m.Preprocess) =
                ("detector", ModelTask.Detection, "resnet18/ResNet18.onnx", "resnet18/ResNetPreprocess.onnx", null, new PreprocessOptions()),
            "probability map [N,1,224,224]; it gives [-1,512,1,1]"
        },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_version_that_cannot_load_is_refused_with_the_reason_and_leaves_nothing_behind(
        string what, Action<ModelOptions> spoil, string reason)
    {
        var before = fixture.Host.Loaded();
        var definition = CpuRuntimeFixture.TextDirection("spoilt");
        spoil(definition);

        try
        {
            var e = await Assert.ThrowsAsync<ModelLoadException>(() => Runtime.LoadAsync(definition, CancellationToken.None));

            Assert.True(e.Message.Contains(reason, StringComparison.Ordinal), $"{what}: {e.Message}");
            Assert.Equal(before, fixture.Host.Loaded());
        }
        finally
        {
            await Runtime.UnloadAsync(definition.Name, definition.Version, CancellationToken.None); // should the load wrongly succeed
        }
    }
}
