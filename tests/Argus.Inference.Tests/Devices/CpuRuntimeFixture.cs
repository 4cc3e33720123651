using Argus.Inference.Batching;
using Argus.Inference.Imaging;
using Argus.Inference.Models;
using Argus.Testing;

namespace Argus.Inference.Tests.Devices;

/// <summary>
/// A CPU runtime that starts with two versions of resnet18 and one of text-direction, and whose model root (for versions
/// loaded at run time) is a temporary folder holding copies of the real models and a JPEG named like a model.
/// </summary>
public sealed class CpuRuntimeFixture : IDisposable
{
    public CpuRuntimeFixture()
    {
        Directory.CreateDirectory(Path.Combine(ModelRoot.FullName, "resnet18"));
        Directory.CreateDirectory(Path.Combine(ModelRoot.FullName, "ppocr"));
        File.Copy(RuntimeHost.ShippedModel("resnet18/ResNet18.onnx"), Path.Combine(ModelRoot.FullName, "resnet18/ResNet18.onnx"));
        File.Copy(RuntimeHost.ShippedModel("resnet18/ResNetPreprocess.onnx"), Path.Combine(ModelRoot.FullName, "resnet18/ResNetPreprocess.onnx"));
        File.Copy(RuntimeHost.ShippedModel("ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx"), Path.Combine(ModelRoot.FullName, "ppocr/cls.onnx"));
        File.Copy(RuntimeHost.ShippedModel("labels/text-direction.txt"), Path.Combine(ModelRoot.FullName, "text-direction.txt"));
        File.WriteAllBytes(Path.Combine(ModelRoot.FullName, "photo.onnx"), TestData.Image("apple.jpg"));
        Host = new RuntimeHost(new InferenceOptions
        {
            Cuda = CudaMode.Off,
            IntraOpThreads = 1,
            ModelRoot = ModelRoot.FullName,
            Models =
            [
                ResNet18("1", ResizeMode.Stretch),
                ResNet18("2", ResizeMode.Fit),
                new ModelOptions
                {
                    Name = "text-direction", Version = "2.0", Path = "models/ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx",
                    LabelsPath = "models/labels/text-direction.txt",
                    Task = ModelTask.Classification, TopK = 2, Softmax = false, Preprocess = TextDirectionInput,
                    Batching = new BatchingOptions { MaxBatchSize = 2 },
                },
            ],
        });
    }

    public DirectoryInfo ModelRoot { get; } = Directory.CreateTempSubdirectory("argus-model-root-");

    public RuntimeHost Host { get; }

    public static PreprocessOptions TextDirectionInput => new()
    {
        Width = 192, Height = 48, Resize = ResizeMode.PadRight, Channels = ChannelOrder.Bgr,
        Mean = [127.5f, 127.5f, 127.5f], Std = [127.5f, 127.5f, 127.5f],
    };

    /// <summary>text-direction as a client would send it to be loaded at run time, with paths inside the model root.</summary>
    public static ModelOptions TextDirection(string version) => new()
    {
        Name = "text-direction", Version = version, Path = "ppocr/cls.onnx", LabelsPath = "text-direction.txt",
        Task = ModelTask.Classification, TopK = 2, Softmax = false, Preprocess = TextDirectionInput,
        Batching = new BatchingOptions { MaxBatchSize = 2 },
    };

    public void Dispose()
    {
        Host.Dispose();
        ModelRoot.Delete(recursive: true);
    }

    private static ModelOptions ResNet18(string version, ResizeMode resize) => new()
    {
        Name = "resnet18", Version = version, Path = "models/resnet18/ResNet18.onnx", PreprocessPath = "models/resnet18/ResNetPreprocess.onnx",
        Preprocess = new PreprocessOptions { Width = 224, Height = 224, Resize = resize, Channels = ChannelOrder.Rgb },
        Batching = new BatchingOptions { MaxBatchSize = 2 },
    };
}
