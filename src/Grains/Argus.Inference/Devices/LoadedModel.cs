using Argus.Inference.Batching;
using Argus.Inference.Imaging;
using Argus.Inference.Models;
using Argus.Inference.Postprocessing;
using Argus.Inference.Sessions;

namespace Argus.Inference.Devices;

/// <summary>One class of a classification result.</summary>
public readonly record struct ClassPrediction(int Index, string Label, float Score);

/// <summary>An item's result after its task's postprocessing: an embedding, classes or text regions.</summary>
public sealed record ModelOutput(float[]? Embedding, IReadOnlyList<ClassPrediction>? Classes, IReadOnlyList<TextRegion>? Detections = null);

/// <summary>A model version loaded and warm on one device, with its preprocessing, postprocessing and queues.</summary>
public sealed class LoadedModel : IDisposable
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private int _retired;

    internal LoadedModel(ModelOptions options, IModelSession session, IReadOnlyList<string> labels, BatchQueue queue)
    {
        Options = options;
        Session = session;
        Labels = labels;
        Queue = queue;
        Preprocessor = new ImagePreprocessor(options.Preprocess);
        long[] map = [-1, 1, options.Preprocess.Height, options.Preprocess.Width];
        if (options.Task == ModelTask.Detection && !session.Output.Shape.SequenceEqual(map))
        {
            throw new InvalidOperationException(
                $"Model '{options.Name}' is declared a detection model, whose output is a probability map [N,1,{map[2]},{map[3]}]; it gives [{string.Join(',', session.Output.Shape)}].");
        }
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

        if (!TensorValues.AllFinite(tensor))
        {
            throw new InvalidInputException("The tensor holds NaN or infinite values.");
        }

        return BatchInput.Ready(tensor);
    }

    /// <summary>Applies the model's task to one raw output row.</summary>
    /// <param name="raw">The model's output for the item.</param>
    /// <param name="fit">
    /// Where the item's image lay in the input (<see cref="BatchInput.Fit"/>); null for a caller's tensor, whose
    /// detections are then in input coordinates.
    /// </param>
    public ModelOutput Postprocess(float[] raw, ImageFit? fit) => Options.Task switch
    {
        ModelTask.Embedding => new ModelOutput(Postprocessing.Postprocess.L2Normalize(raw), null),
        ModelTask.Detection => new ModelOutput(null, null, Detect(raw, fit)),
        _ => new ModelOutput(null, Classify(raw)),
    };

    /// <inheritdoc />
    public void Dispose() => Session.Dispose();

    /// <summary>Counts an item at this version until <see cref="Exit"/>; false once the version is retired (unloading).</summary>
    internal bool TryEnter()
    {
        // Increment, then read the flag; RetireAsync sets the flag, then reads the count (both full fences): either the
        // item sees the flag and backs off, or the unload sees the item and waits for it.
        Interlocked.Increment(ref _inFlight);
        if (Volatile.Read(ref _retired) == 0)
        {
            return true;
        }

        Exit();
        return false;
    }

    /// <summary>The item counted by <see cref="TryEnter"/> has its outcome.</summary>
    internal void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _retired) != 0)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Admits no more items; completes once every item already at the version has its outcome.</summary>
    internal Task RetireAsync()
    {
        Interlocked.Exchange(ref _retired, 1);
        if (Volatile.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }

        return _drained.Task;
    }

    private IReadOnlyList<ClassPrediction> Classify(float[] raw)
    {
        var scores = Options.Softmax ? Postprocessing.Postprocess.Softmax(raw) : raw;
        var top = Postprocessing.Postprocess.TopK(scores, Math.Min(Options.TopK, scores.Length));
        return [.. top.Select(t => new ClassPrediction(t.Index, LabelOf(t.Index), t.Score))];
    }

    private IReadOnlyList<TextRegion> Detect(float[] raw, ImageFit? fit)
    {
        var (width, height) = (Options.Preprocess.Width, Options.Preprocess.Height);
        return TextDetection.Find(raw, width, height, fit ?? ImageFit.Identity(width, height), Options.Detection);
    }

    private string LabelOf(int index) => index < Labels.Count ? Labels[index] : index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
