using Argus.Inference.Simulation;
using Argus.LoadTesting.Planning;

namespace Argus.LoadTesting.Tests.Planning;

public sealed class LatencyCurveRecorderTests
{
    [Theory]
    [InlineData(1, new[] { 1 })]
    [InlineData(8, new[] { 1, 2, 4, 8 })]
    [InlineData(12, new[] { 1, 2, 4, 8, 12 })]
    public void Batch_sizes_double_up_to_the_largest(int max, int[] sizes) =>
        Assert.Equal(sizes, LatencyCurveRecorder.BatchSizes(max));

    [Fact]
    public void Records_resnet18s_curve_on_this_machine_as_a_valid_profile()
    {
        var models = Path.Combine(AppContext.BaseDirectory, "models", "resnet18");
        var request = new LatencyCurveRequest(
            Path.Combine(models, "ResNet18.onnx"), Path.Combine(models, "ResNetPreprocess.onnx"), [3, 224, 224])
        {
            MaxBatch = 2,
            Runs = 3,
            WarmupRuns = 1,
            Command = "argus plan --measure ResNet18.onnx",
        };
        List<(int Batch, TimeSpan Median)> reported = [];

        var profile = LatencyCurveRecorder.Record(request, (batch, median) => reported.Add((batch, median)));

        Assert.Equal([1, 2], profile.Points.Select(p => p.Batch));
        Assert.All(profile.Points, p => Assert.InRange(p.Ms, 0.01, 10_000));
        Assert.Equal(profile.Points.Select(p => p.Batch), reported.Select(r => r.Batch));
        Assert.All(profile.Points.Zip(reported), p => Assert.Equal(p.First.Ms, p.Second.Median.TotalMilliseconds, 0.001));
        Assert.Matches(@"^resnet18-(cpu0|cuda0)$", profile.Name);
        Assert.InRange(profile.Jitter, 0, 0.5);
        Assert.Contains("ResNetPreprocess.onnx + ResNet18.onnx, items of [3,224,224]", profile.Source);
        Assert.Matches(@" on (cpu0 \(CPUExecutionProvider|cuda0 \(CUDAExecutionProvider)\), ", profile.Source);
        Assert.Matches($@"with {Environment.ProcessorCount} cores, \d{{4}}-\d\d-\d\d: ", profile.Source);
        Assert.Contains("median of 3 runs after 1 warm-up runs per batch size; argus plan --measure ResNet18.onnx.", profile.Source);

        var path = Path.Combine(Directory.CreateTempSubdirectory("argus-curve-").FullName, "resnet18.json");
        try
        {
            profile.Save(path);
            Assert.Equal(profile.Name, LatencyProfile.Load(path).Name);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
