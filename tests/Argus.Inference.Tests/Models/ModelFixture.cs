using Argus.Inference.Imaging;
using Argus.Inference.Sessions;

namespace Argus.Inference.Tests.Models;

/// <summary>The bundled real models, loaded once per test class, with the silo's preprocessing.</summary>
public sealed class ModelFixture : IDisposable
{
    public ModelFixture()
    {
        var target = ExecutionTarget.Cpu("tests");
        ResNet = OnnxModel.Load(Path("resnet18/ResNet18.onnx"), Path("resnet18/ResNetPreprocess.onnx"), [3, 224, 224], () => target.CreateSessionOptions(0));
        TextDirection = OnnxModel.Load(Path("ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx"), null, [3, 48, 192], () => target.CreateSessionOptions(0));
        TextDetector = OnnxModel.Load(Path("ppocr/ch_PP-OCRv4_det_infer.onnx"), null, [3, 480, 640], () => target.CreateSessionOptions(0));
    }

    public OnnxModel ResNet { get; }

    public ImagePreprocessor ResNetPreprocessor { get; } = new(new PreprocessOptions { Width = 224, Height = 224, Channels = ChannelOrder.Rgb });

    public OnnxModel TextDirection { get; }

    public ImagePreprocessor TextDirectionPreprocessor { get; } = new(new PreprocessOptions
    {
        Width = 192, Height = 48, Resize = ResizeMode.PadRight, Channels = ChannelOrder.Bgr,
        Mean = [127.5f, 127.5f, 127.5f], Std = [127.5f, 127.5f, 127.5f],
    });

    public OnnxModel TextDetector { get; }

    /// <summary>As the silo's appsettings.json declares it: PaddleOCR's det normalisation on the BGR image.</summary>
    public ImagePreprocessor TextDetectorPreprocessor { get; } = new(new PreprocessOptions
    {
        Width = 640, Height = 480, Resize = ResizeMode.Fit, Channels = ChannelOrder.Bgr,
        Mean = [123.675f, 116.28f, 103.53f], Std = [58.395f, 57.12f, 57.375f],
    });

    public void Dispose()
    {
        ResNet.Dispose();
        TextDirection.Dispose();
        TextDetector.Dispose();
    }

    private static string Path(string relative) => System.IO.Path.Combine(AppContext.BaseDirectory, "models", relative);
}
