using Argus.Inference.Imaging;
using Argus.Inference.Models;
using Argus.Inference.Postprocessing;

namespace Argus.Inference.Tests.Models;

public sealed class ModelOptionsTests
{
    private static InferenceOptions Detector(int width, DetectionOptions detection) => new()
    {
        Models =
        [
            new ModelOptions
            {
                Name = "text-detection", Path = "det.onnx", Task = ModelTask.Detection,
                Preprocess = new PreprocessOptions { Width = width, Height = 480, Resize = ResizeMode.Fit }, Detection = detection,
            },
        ],
    };

    [Fact]
    public void A_detection_model_s_input_size_and_thresholds_are_checked_at_start_up_all_failures_listed()
    {
        var result = new InferenceOptionsValidator().Validate(null, Detector(650, new DetectionOptions { BoxThreshold = 1.5f, MaxCandidates = 0 }));

        Assert.True(result.Failed);
        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("multiples of 32 (are 650×480)"));
        Assert.Contains(result.Failures!, f => f.Contains("BoxThreshold"));
        Assert.Contains(result.Failures!, f => f.Contains("MaxCandidates"));
        Assert.True(new InferenceOptionsValidator().Validate(null, Detector(640, new DetectionOptions())).Succeeded);
    }

    private static ModelOptions Version(string name, string version, ModelTask task = ModelTask.Embedding) =>
        new() { Name = name, Version = version, Path = "m.onnx", Task = task };

    [Fact]
    public void A_name_may_have_several_versions_but_each_once_and_all_of_one_task()
    {
        var validator = new InferenceOptionsValidator();

        Assert.True(validator.Validate(null, new InferenceOptions { Models = [Version("resnet18", "1"), Version("resnet18", "2")] }).Succeeded);
        Assert.True(validator.Validate(null, new InferenceOptions { Models = [Version("resnet18", "v1"), Version("resnet18", "V1")] }).Succeeded);

        var twice = validator.Validate(null, new InferenceOptions { Models = [Version("resnet18", "1"), Version("resnet18", "1")] });
        Assert.Equal(["Argus:Inference:Models: Model 'resnet18' version '1' is declared 2 times."], twice.Failures);

        var spelling = validator.Validate(null, new InferenceOptions { Models = [Version("resnet18", "1"), Version("ResNet18", "2")] });
        Assert.Equal(
            ["Argus:Inference:Models: The versions of model 'resnet18' spell its name differently (resnet18, ResNet18): use one spelling."],
            spelling.Failures);

        var tasks = validator.Validate(null, new InferenceOptions
        {
            Models = [Version("resnet18", "1"), Version("resnet18", "2", ModelTask.Classification)],
        });
        Assert.Equal(
            ["Argus:Inference:Models: The versions of model 'resnet18' must share one task; they declare v1 Embedding, v2 Classification."],
            tasks.Failures);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("1 2")]
    [InlineData("ü")]
    public void A_version_is_a_short_url_safe_token(string version)
    {
        var result = new InferenceOptionsValidator().Validate(null, new InferenceOptions { Models = [Version("m", version)] });

        Assert.Contains(result.Failures!, f => f.Contains("Version must be 1 to 64 letters, digits"));
    }

    [Fact]
    public void An_unknown_sim_profile_of_a_version_and_an_empty_model_root_are_refused_at_start_up()
    {
        var model = Version("m", "1");
        model.SimProfile = "no-such-profile";

        var result = new InferenceOptionsValidator().Validate(null, new InferenceOptions { Models = [model], ModelRoot = " " });

        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("Argus:Inference:Models[0] 'm' SimProfile: No latency profile 'no-such-profile'"));
        Assert.Contains("Argus:Inference:ModelRoot is required.", result.Failures!);
    }
}
