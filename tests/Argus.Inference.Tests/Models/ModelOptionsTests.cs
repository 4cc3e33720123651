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
}
