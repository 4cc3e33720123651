using System.Diagnostics;
using Argus.Devices;
using Argus.Grains.Models.Drift;
using Argus.Inference.Imaging;
using Argus.Inference.Postprocessing;
using Argus.Inference.Sessions;
using Argus.Models;
using Argus.Testing;
using Xunit.Abstractions;

namespace Argus.Grains.Tests.Models.Drift;

/// <summary>
/// The proof on a real model: ResNet18 embeddings (on the CPU, with the silo's preprocessing) of half the
/// opencv-doc photos as a folder reference; a window of the other half does not drift, a window of vtest.avi frames
/// does. The window and test are the monitor's own (<see cref="DriftWindow"/>, the default test settings).
/// </summary>
public sealed class DriftProofTests(ITestOutputHelper output)
{
    [Fact]
    public void Held_out_photos_do_not_drift_from_the_photo_reference_and_street_video_frames_do()
    {
        var watch = Stopwatch.StartNew();
        var target = ExecutionTarget.Cpu("tests");
        using var resnet = OnnxModel.Load(
            Model("ResNet18.onnx"), Model("ResNetPreprocess.onnx"), [3, 224, 224], () => target.CreateSessionOptions(0));
        var preprocessor = new ImagePreprocessor(new PreprocessOptions { Width = 224, Height = 224, Resize = ResizeMode.Stretch, Channels = ChannelOrder.Rgb });
        DriftSample[] Embed(IEnumerable<byte[]> images) => [.. images.Select(image => DriftSampler.ToSample(new ItemResult
        {
            Embedding = Postprocess.L2Normalize(resnet.Run([preprocessor.Process(image, new ImageLimits())])[0]),
        })!)];

        var reference = Embed(DriftData.HalfA.Select(TestData.Image));
        var heldOut = Embed(DriftData.HalfB.Select(TestData.Image));
        var video = Embed(DriftData.VideoFrames(heldOut.Length));
        var options = new DriftOptions { ReferenceSize = reference.Length, WindowSize = heldOut.Length };
        var window = new DriftWindow(options, "opencv-doc photos, half A", new Random(13));
        window.UseReference(reference);

        var photos = Assert.Single(window.Add(heldOut)).Run();
        var street = Assert.Single(window.Add(video)).Run();

        output.WriteLine($"ResNet18 embeddings (512 dimensions, projected to {options.ProjectionDimensions}), MMD² with {options.Permutations} permutations; " +
            $"reference: {reference.Length} opencv-doc photos (half A); windows of {heldOut.Length}:");
        output.WriteLine($"  held-out photos (half B): MMD² {photos.Score:F4}, p = {photos.PValue:F3}");
        output.WriteLine($"  vtest.avi frames:         MMD² {street.Score:F4}, p = {street.PValue:F3}");
        output.WriteLine($"  {watch.Elapsed.TotalSeconds:F1} s with the model's loading and {reference.Length + heldOut.Length + video.Length} inferences");
        Assert.Equal(DriftStatistic.Mmd, street.Statistic);
        Assert.True(photos.PValue >= options.Alpha, $"the held-out photos drifted: p {photos.PValue}");
        Assert.True(street.PValue < options.Alpha, $"the video frames did not drift: p {street.PValue}");
    }

    private static string Model(string file) => Path.Combine(AppContext.BaseDirectory, "models", "resnet18", file);
}
