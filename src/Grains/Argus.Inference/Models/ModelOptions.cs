using Argus.Inference.Batching;
using Argus.Inference.Imaging;
using Argus.Inference.Postprocessing;

namespace Argus.Inference.Models;

/// <summary>One model as declared in configuration (<c>Argus:Inference:Models</c>).</summary>
public sealed class ModelOptions
{
    /// <summary>The name callers use, e.g. <c>resnet18</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>The version reported with every result. Default "1".</summary>
    public string Version { get; set; } = "1";

    /// <summary>The ONNX file, absolute or relative to the application's folder.</summary>
    public string Path { get; set; } = "";

    /// <summary>
    /// An optional ONNX graph run before the model on the same device (e.g. ResNet18's <c>ResNetPreprocess.onnx</c>,
    /// which reorders channels and subtracts a mean image). The model's declared input is then this graph's input.
    /// </summary>
    public string? PreprocessPath { get; set; }

    /// <summary>What the output means.</summary>
    public ModelTask Task { get; set; } = ModelTask.Embedding;

    /// <summary>How images become the model's input.</summary>
    public PreprocessOptions Preprocess { get; set; } = new();

    /// <summary>Class labels, one per line, for <see cref="ModelTask.Classification"/>.</summary>
    public string? LabelsPath { get; set; }

    /// <summary>Classes returned per item. Default 5.</summary>
    public int TopK { get; set; } = 5;

    /// <summary>Apply softmax to the output; turn off when the model already ends in one. Default true.</summary>
    public bool Softmax { get; set; } = true;

    /// <summary>How a probability map becomes boxes, for <see cref="ModelTask.Detection"/>.</summary>
    public DetectionOptions Detection { get; set; } = new();

    /// <summary>How requests to this model are batched.</summary>
    public BatchingOptions Batching { get; set; } = new();

    internal IEnumerable<string> Validate(int index)
    {
        var owner = $"Models[{index}] '{Name}'";
        if (string.IsNullOrWhiteSpace(Name)) yield return $"Models[{index}]: Name is required.";
        if (string.IsNullOrWhiteSpace(Path)) yield return $"{owner}: Path is required.";
        if (Task == ModelTask.Classification && TopK < 1) yield return $"{owner}: TopK must be at least 1.";
        foreach (var e in Preprocess.Validate(owner)) yield return e;
        if (Task == ModelTask.Detection)
        {
            // DB detectors halve the input five times and add the levels back up: other sizes fail inside the model.
            if (Preprocess.Width % 32 != 0 || Preprocess.Height % 32 != 0)
            {
                yield return $"{owner}: a detection model's Width and Height must be multiples of 32 (are {Preprocess.Width}×{Preprocess.Height}).";
            }

            foreach (var e in Detection.Validate(owner)) yield return e;
        }

        foreach (var e in Batching.Validate(owner)) yield return e;
    }
}
