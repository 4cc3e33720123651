using Argus.Inference.Simulation;

namespace Argus.Cli.Tests;

/// <summary><c>argus plan</c>, which needs no cluster, its output captured.</summary>
public sealed class PlanCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("argus-plan-");

    public void Dispose() => _dir.Delete(recursive: true);

    // Wide enough that no advice line wraps.
    private static Task<(int Code, string Output)> RunAsync(params string[] args) => CapturedConsole.RunAsync(args, width: 1000);

    [Fact]
    public async Task The_textbook_gpu_at_120_ms_gets_batch_8_320_images_a_second_and_the_burst_controls()
    {
        var (code, output) = await RunAsync("plan", "--profile", "textbook", "--p95-ms", "120", "--rate", "200");

        Assert.Equal(0, code);
        Assert.Matches(@"│ 8\s+│ 25\.0\s+│ 320\s+│ 25\.0\s+│ 75\.0\s+│ yes ← recommended\s+│", output);
        Assert.Matches(@"│ 16\s+│ 50\.0\s+│ 320\s+│ 50\.0\s+│ 150\.0\s+│ no\s+│", output);
        Assert.Contains("Recommended for p95 ≤ 120 ms: batch size 8, max delay 25 ms; est. p95 75 ms, 320 img/s per device; queue bound 24 items.", output);
        Assert.Contains("200 img/s needs 1 device at 62.5% of 320 img/s each", output);
        Assert.Contains("Beyond the bound Argus answers 429 with Retry-After", output);
        Assert.Contains("autoscaling on queue depth", output);
    }

    [Fact]
    public async Task A_target_nothing_meets_exits_with_1_and_names_the_fastest_option()
    {
        var (code, output) = await RunAsync("plan", "--p95-ms", "30");

        Assert.Equal(1, code);
        Assert.Contains("Nothing fits p95 ≤ 30 ms: the fastest option is batch size 1 at an est. p95 of 40 ms (50 img/s).", output);
        Assert.Contains("no ← fastest", output);
    }

    [Theory]
    [InlineData("Give either --profile or --measure, not both.", "plan", "--profile", "textbook", "--measure", "m.onnx", "--p95-ms", "120")]
    [InlineData("--p95-ms must be a positive number of milliseconds.", "plan", "--p95-ms", "0")]
    [InlineData("--rate must be a positive number of images per second.", "plan", "--p95-ms", "120", "--rate", "-5")]
    [InlineData("--max-batch must be at least 1.", "plan", "--p95-ms", "120", "--max-batch", "0")]
    [InlineData("--input takes a shape like 3x224x224, not '3x0'.", "plan", "--measure", "m.onnx", "--input", "3x0", "--p95-ms", "120")]
    [InlineData("No such model file: /no/such/model.onnx", "plan", "--measure", "/no/such/model.onnx", "--p95-ms", "120")]
    [InlineData("No latency profile '/no/such/profile.json'", "plan", "--profile", "/no/such/profile.json", "--p95-ms", "120")]
    public async Task Bad_arguments_are_explained_with_exit_code_2(string message, params string[] args)
    {
        var (code, output) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Contains(message, output);
    }

    [Fact]
    public async Task A_curve_measured_on_the_bundled_resnet18_is_planned_and_saved()
    {
        var path = Path.Combine(_dir.FullName, "resnet18.json");

        // Relative to the application's folder, where the bundled models are.
        var (code, output) = await RunAsync(
            "plan", "--measure", "models/resnet18/ResNet18.onnx", "--preprocess", "models/resnet18/ResNetPreprocess.onnx",
            "--max-batch", "2", "--runs", "2", "--p95-ms", "10000", "--save-profile", path);

        Assert.Equal(0, code);
        Assert.Contains("Measuring ResNet18.onnx at batch sizes 1, 2, 2 runs each", output);
        Assert.Matches(@"batch 2: \d+\.\d ms", output);
        Assert.Contains("Recommended for p95 ≤ 10000 ms", output);
        var profile = LatencyProfile.Load(path);
        Assert.Equal([1, 2], profile.Points.Select(p => p.Batch));
        Assert.EndsWith("; argus plan --measure models/resnet18/ResNet18.onnx --preprocess models/resnet18/ResNetPreprocess.onnx --max-batch 2 --runs 2 --p95-ms 10000 --save-profile " + path + ".", profile.Source);
    }
}
