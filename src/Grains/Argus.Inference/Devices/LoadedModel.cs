using Argus.Inference.Batching;
using Argus.Inference.Imaging;
using Argus.Inference.Models;
using Argus.Inference.Postprocessing;
using Argus.Inference.Sessions;

namespace Argus.Inference.Devices;

/// <summary>One class of a classification result.</summary>
public readonly record struct ClassPrediction(int Index, string Label, float Score);

/// <summary>An item's result after its task's postprocessing: an embedding or classes.</summary>
public sealed record ModelOutput(float[]? Embedding, IReadOnlyList<ClassPrediction>? Classes);

/// <summary>A model loaded and warm on one device, with its preprocessing, postprocessing and queues.</summary>
public sealed class LoadedModel : IDisposable
{
    internal LoadedModel(ModelOptions options, IModelSession session, IReadOnlyList<string> labels, BatchQueue queue)
    {
        Options = options;
        Session = session;
        Labels = labels;
        Queue = queue;
        Preprocessor = new ImagePreprocessor(options.Preprocess);
    }

    /// <summary>The model's declaration.</summary>
    public ModelOptions Options { get; }

    /// <summary>The name callers use.</summary>
    public string Name => Options.Name;

    /// <summary>The version reported with results.</summary>
    public string Version => Options.Version;

    /// <summary>The input tensor callers may send directly.</summary>
    public TensorDescription Input => Session.Input;

    /// <summary>The raw output tensor.</summary>
    public TensorDescription Output => Session.Output;

    /// <summary>Class labels (classification), else empty.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The model's queues on its device's batcher.</summary>
    public BatchQueue Queue { get; }

    internal IModelSession Session { get; }

    internal ImagePreprocessor Preprocessor { get; }

    /// <summary>
    /// One input from an encoded image. The header is checked now; decoding and preprocessing run now, or on the
    /// device when the item's batch forms (<paramref name="onDevice"/>), where a corrupt body fails the item alone.
    /// </summary>
    /// <exception cref="InvalidInputException">The header says the image is unusable.</exception>
    public BatchInput PrepareImage(byte[] image, ImageLimits limits, bool onDevice)
    {
        ImageDecoder.Check(image, limits);
        if (onDevice)
        {
            return BatchInput.Deferred(() => Preprocessor.Prepare(image, limits));
        }

        var prepared = Preprocessor.Prepare(image, limits);
        return BatchInput.Ready(prepared.Tensor, prepared.Fit);
    }

    /// <summary>Checks a caller's tensor against the model's input.</summary>
    /// <exception cref="InvalidInputException">Wrong size, or not finite.</exception>
    public BatchInput PrepareTensor(float[] tensor)
    {
        if (tensor.Length != Input.ItemLength)
        {
            throw new InvalidInputException(
                $"The tensor has {tensor.Length} values; model '{Name}' takes [{string.Join(',', Input.Shape.Skip(1))}] = {Input.ItemLength} per item.");
        }

        if (!tensor.All(float.IsFinite))
        {
            throw new InvalidInputException("The tensor holds NaN or infinite values.");
        }

        return BatchInput.Ready(tensor);
    }

    /// <summary>Applies the model's task to one raw output row.</summary>
    public ModelOutput Postprocess(float[] raw)
    {
        if (Options.Task == ModelTask.Embedding)
        {
            return new ModelOutput(Postprocessing.Postprocess.L2Normalize(raw), null);
        }

        var scores = Options.Softmax ? Postprocessing.Postprocess.Softmax(raw) : raw;
        var top = Postprocessing.Postprocess.TopK(scores, Math.Min(Options.TopK, scores.Length));
        return new ModelOutput(null, [.. top.Select(t => new ClassPrediction(t.Index, LabelOf(t.Index), t.Score))]);
    }

    /// <inheritdoc />
    public void Dispose() => Session.Dispose();

    private string LabelOf(int index) => index < Labels.Count ? Labels[index] : index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
