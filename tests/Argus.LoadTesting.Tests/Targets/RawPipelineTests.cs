using Argus.Inference.Imaging;
using Argus.Inference.Models;
using Argus.LoadTesting.Targets;
using Argus.Testing;

namespace Argus.LoadTesting.Tests.Targets;

public sealed class RawPipelineTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("argus-raw-pipeline-").FullName;
    private RawTarget _raw = null!;

    public Task InitializeAsync()
    {
        _raw = RawTarget.Load(new InferenceOptions { Cuda = CudaMode.Off }, new ModelOptions
        {
            Name = "resnet18",
            Path = "models/resnet18/ResNet18.onnx",
            PreprocessPath = "models/resnet18/ResNetPreprocess.onnx",
            Preprocess = new PreprocessOptions { Width = 224, Height = 224, Channels = ChannelOrder.Rgb },
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _raw.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Every_file_runs_once_in_batches_of_the_size_with_corrupt_and_missing_files_counted_as_failed()
    {
        var images = ImageWarehouse.Create(Path.Combine(_folder, "good"), 11);
        var corrupt = ImageWarehouse.CreateCorrupt(Path.Combine(_folder, "bad"), 3);
        string[] files = [.. images.Take(5), .. corrupt, Path.Combine(_folder, "missing.jpg"), .. images.Skip(5)];

        var result = await RawPipeline.RunAsync(_raw, files, batchSize: 4, depth: 2);

        Assert.Equal(11, result.Succeeded);
        Assert.Equal(4, result.Failed);
        Assert.Equal(4, result.Batches); // 15 files in batches of 4
        Assert.True(result.ComputeMs > 0 && result.PreprocessMs > 0 && result.Wall > TimeSpan.Zero);
    }

    [Fact]
    public async Task A_prepared_batch_runs_only_its_usable_images_in_order()
    {
        var images = ImageWarehouse.Create(Path.Combine(_folder, "good"), 3).Select(File.ReadAllBytes).ToArray();

        var alone = _raw.Run(_raw.Prepare([images[2]]));
        var prepared = _raw.Prepare([images[0], [], images[2]]);
        var outputs = _raw.Run(prepared);

        Assert.Equal(2, prepared.Ready);
        Assert.NotNull(prepared.Errors[1]);
        Assert.Equal(2, outputs.Length);
        Assert.Equal(alone[0], outputs[1]); // an image's output does not depend on its batch
    }
}
