using Argus.Inference.Sessions;
using Argus.Inference.Tests.Video;
using Microsoft.ML.OnnxRuntime;

namespace Argus.Inference.Tests.Sessions;

/// <summary>A model exported with a fixed batch size is patched once and kept; later loads read the kept copy.</summary>
public sealed class SymbolicBatchCacheTests : IDisposable
{
    private static readonly ExecutionTarget Cpu = ExecutionTarget.Cpu("tests");
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("argus-cache-test-");
    private readonly ListLogger _log = new();

    public void Dispose() => _folder.Delete(recursive: true);

    private static string Model(string relative) => Path.Combine(AppContext.BaseDirectory, "models", relative);

    private static SessionOptions Options() => Cpu.CreateSessionOptions(1);

    [Fact]
    public void A_fixed_batch_model_is_kept_patched_and_read_from_the_cache_with_the_same_outputs()
    {
        var cache = new SymbolicBatchCache(Path.Combine(_folder.FullName, "cache"), _log);
        var resnet = Model("resnet18/ResNet18.onnx");
        var preprocess = Model("resnet18/ResNetPreprocess.onnx");
        Assert.Null(cache.Find(resnet));

        float[] first;
        using (var patched = OnnxModel.Load(resnet, preprocess, [3, 224, 224], Options, cache))
        {
            first = patched.Run([Photo(patched), Photo(patched)])[1];
        }

        Assert.NotNull(cache.Find(resnet));
        Assert.NotNull(cache.Find(preprocess));
        Assert.Equal(2, _log.Entries.Count(e => e.Message.Contains("made symbolic once", StringComparison.Ordinal)));

        using var cached = OnnxModel.Load(resnet, preprocess, [3, 224, 224], Options, cache);
        Assert.Equal([-1L, 3, 224, 224], cached.Input.Shape);
        Assert.Equal(first, cached.Run([Photo(cached), Photo(cached)])[1]);
        Assert.Equal(2, _log.Entries.Count);

        using var inMemory = OnnxModel.Load(resnet, preprocess, [3, 224, 224], Options);
        Assert.Equal(first, inMemory.Run([Photo(inMemory), Photo(inMemory)])[1]);
    }

    [Fact]
    public void A_model_with_a_symbolic_batch_is_read_as_it_is()
    {
        var cache = new SymbolicBatchCache(Path.Combine(_folder.FullName, "cache"), _log);
        var model = Model("ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx");

        using var loaded = OnnxModel.Load(model, null, [3, 48, 192], Options, cache);

        Assert.Equal(-1L, loaded.Input.Shape[0]);
        Assert.Null(cache.Find(model));
        Assert.False(Directory.Exists(cache.Folder));
    }

    [Fact]
    public void A_changed_model_file_is_patched_again()
    {
        var cache = new SymbolicBatchCache(Path.Combine(_folder.FullName, "cache"), _log);
        var copy = Path.Combine(_folder.FullName, "ResNetPreprocess.onnx");
        File.Copy(Model("resnet18/ResNetPreprocess.onnx"), copy);
        using (OnnxModel.Load(copy, null, [3, 224, 224], Options, cache))
        {
            Assert.NotNull(cache.Find(copy));
        }

        File.SetLastWriteTimeUtc(copy, DateTime.UtcNow.AddMinutes(1));

        Assert.Null(cache.Find(copy));
    }

    [Fact]
    public void A_cache_that_cannot_be_written_costs_a_warning_not_the_model()
    {
        var blocked = Path.Combine(_folder.FullName, "a-file");
        File.WriteAllText(blocked, "not a folder");
        var cache = new SymbolicBatchCache(Path.Combine(blocked, "cache"), _log);
        var preprocess = Model("resnet18/ResNetPreprocess.onnx");

        using var loaded = OnnxModel.Load(preprocess, null, [3, 224, 224], Options, cache);

        Assert.Equal(-1L, loaded.Input.Shape[0]);
        Assert.Null(cache.Find(preprocess));
        Assert.Contains(_log.Warnings, w => w.Message.Contains("could not be kept", StringComparison.Ordinal));
    }

    /// <summary>A deterministic input with the model's item shape (a photo's pixel range: 0-255).</summary>
    private static float[] Photo(OnnxModel model) => [.. Enumerable.Range(0, model.Input.ItemLength).Select(i => (float)(i * 7 % 256))];
}
