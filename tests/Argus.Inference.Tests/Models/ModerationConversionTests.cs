using System.Diagnostics;
using System.Runtime.InteropServices;
using Argus.Inference.Imaging;
using Argus.Inference.Sessions;
using Argus.Testing;

namespace Argus.Inference.Tests.Models;

/// <summary>
/// The moderation pair that scripts/fetch-models.sh converts from nsfwjs's TF.js Keras models to ONNX: on real photos,
/// preprocessed as the silo's configuration declares them, ONNX Runtime's outputs equal those of the TF.js originals run
/// by @tensorflow/tfjs on its CPU backend (installed in .cache/tfjs by scripts/install-deps.sh --test-data).
/// </summary>
public sealed class ModerationConversionTests
{
    // TF.js's pure-JavaScript CPU backend takes seconds per MobileNetV2 image and tens of seconds per InceptionV3 one
    // on this machine: a few photos of different kinds each.
    public static TheoryData<string, int, string[]> Models => new()
    {
        { "mobilenet_v2", 224, ["apple.jpg", "baboon.jpg", "Blender_Suzanne1.jpg", "messi5.jpg"] },
        { "inception_v3", 299, ["baboon.jpg", "Blender_Suzanne1.jpg"] },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public async Task The_converted_model_answers_as_the_tfjs_original(string model, int size, string[] photos)
    {
        var preprocessor = new ImagePreprocessor(new PreprocessOptions { Width = size, Height = size, Channels = ChannelOrder.Rgb, Std = [255, 255, 255] });
        var inputs = photos.Select(p => preprocessor.Process(TestData.Image(p), new ImageLimits())).ToArray();
        var target = ExecutionTarget.Cpu("tests");
        using var onnx = OnnxModel.Load(
            Path.Combine(AppContext.BaseDirectory, "models", "nsfwjs", $"{model}.onnx"), null, [3, size, size], () => target.CreateSessionOptions(0));

        var converted = onnx.Run(inputs);
        var original = await TfjsAsync(Path.Combine(TestData.RepoRoot, ".cache", "models", "nsfwjs", "tfjs", model, "model.json"), inputs);

        for (var i = 0; i < photos.Length; i++)
        {
            Assert.Equal(5, converted[i].Length);
            Assert.Equal(1f, converted[i].Sum(), 4);
            for (var c = 0; c < 5; c++)
            {
                Assert.True(Math.Abs(converted[i][c] - original[i][c]) <= 1e-4,
                    $"{photos[i]} class {c}: ONNX {converted[i][c]}, TF.js {original[i][c]}");
            }
        }
    }

    [Fact]
    public void The_converted_models_take_any_batch_of_planar_rgb_and_give_five_scores()
    {
        var target = ExecutionTarget.Cpu("tests");
        foreach (var (model, size) in new[] { ("mobilenet_v2", 224L), ("inception_v3", 299L) })
        {
            using var onnx = OnnxModel.Load(
                Path.Combine(AppContext.BaseDirectory, "models", "nsfwjs", $"{model}.onnx"), null, [3, size, size], () => target.CreateSessionOptions(0));
            Assert.Equal([-1L, 3, size, size], onnx.Input.Shape);
            Assert.Equal([-1L, 5], onnx.Output.Shape);
        }
    }

    /// <summary>The original's outputs, run by tests/…/tfjs-reference.js in Node.</summary>
    private static async Task<float[][]> TfjsAsync(string modelJson, float[][] inputs)
    {
        var folder = Directory.CreateTempSubdirectory("argus-tfjs-");
        try
        {
            var input = Path.Combine(folder.FullName, "input.bin");
            var output = Path.Combine(folder.FullName, "output.bin");
            await File.WriteAllBytesAsync(input, inputs.SelectMany(i => MemoryMarshal.AsBytes(i.AsSpan()).ToArray()).ToArray());
            var tfjs = Path.Combine(TestData.RepoRoot, ".cache", "tfjs", "node_modules");
            Assert.True(Directory.Exists(Path.Combine(tfjs, "@tensorflow", "tfjs")), $"@tensorflow/tfjs is missing from {tfjs}: run scripts/install-deps.sh --test-data.");
            var info = new ProcessStartInfo("node", [Path.Combine(AppContext.BaseDirectory, "Models", "tfjs-reference.js"), modelJson, input, output])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["NODE_PATH"] = tfjs },
            };
            using var node = Process.Start(info)!;
            var stdout = node.StandardOutput.ReadToEndAsync();
            var stderr = node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync();
            Assert.True(node.ExitCode == 0, $"node tfjs-reference.js exited with {node.ExitCode}:\n{await stdout}\n{await stderr}");
            var values = MemoryMarshal.Cast<byte, float>(await File.ReadAllBytesAsync(output)).ToArray();
            return values.Chunk(values.Length / inputs.Length).ToArray();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
