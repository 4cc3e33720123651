using Argus.Inference.Batching;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace Argus.Inference.Sessions;

/// <summary>A tensor's name and shape; -1 marks the batch dimension.</summary>
public sealed record TensorDescription(string Name, IReadOnlyList<long> Shape)
{
    /// <summary>Elements of one item (the product of every dimension after the batch one).</summary>
    public int ItemLength => (int)Shape.Skip(1).Aggregate(1L, (a, d) => a * d);
}

/// <summary>
/// A warm ONNX Runtime session (optionally behind a preprocessing graph) that runs whole batches. Models exported with
/// a fixed batch size of 1 get a symbolic batch dimension when loaded, or batching could not work.
/// </summary>
public sealed class OnnxModel : IModelSession
{
    private readonly InferenceSession? _preprocess;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _preprocessInput;
    private readonly string[] _preprocessOutput;
    private readonly string[] _input;
    private readonly string[] _output;
    private float[] _buffer = [];

    private OnnxModel(InferenceSession? preprocess, InferenceSession session, IReadOnlyList<long> itemShape)
    {
        _preprocess = preprocess;
        _session = session;
        _preprocessInput = preprocess is null ? [] : [preprocess.InputNames[0]];
        _preprocessOutput = preprocess is null ? [] : [preprocess.OutputNames[0]];
        _input = [session.InputNames[0]];
        _output = [session.OutputNames[0]];
        var entry = preprocess ?? session;
        Input = DescribeInput(entry.InputNames[0], entry.InputMetadata[entry.InputNames[0]], itemShape);
        Output = DescribeOutput(_output[0], session.OutputMetadata[_output[0]]);
    }

    /// <summary>The input callers fill (the preprocessing graph's, where there is one).</summary>
    public TensorDescription Input { get; }

    /// <summary>The model's output; dimensions the graph leaves open are those of the last batch run.</summary>
    public TensorDescription Output { get; private set; }

    /// <summary>
    /// Loads the model (and its preprocessing graph) with a symbolic batch dimension. <paramref name="itemShape"/> is the
    /// shape of one item as preprocessing makes it: it fills input dimensions the graph leaves open (e.g. a free width)
    /// and must agree with the fixed ones. A graph exported with a fixed batch size is made symbolic: taken from
    /// <paramref name="cache"/> when it holds it, else patched in memory (and stored there, when given).
    /// </summary>
    public static OnnxModel Load(
        string path, string? preprocessPath, IReadOnlyList<long> itemShape, Func<SessionOptions> createOptions, SymbolicBatchCache? cache = null)
    {
        InferenceSession? preprocess = null;
        try
        {
            if (preprocessPath is not null)
            {
                using var preOptions = createOptions();
                preprocess = OpenGraph(preprocessPath, preOptions, cache);
            }

            using var options = createOptions();
            return new OnnxModel(preprocess, OpenGraph(path, options, cache), itemShape);
        }
        catch
        {
            preprocess?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A session over the graph at <paramref name="path"/> with a symbolic batch dimension. ONNX Runtime reads the file
    /// itself (no managed copy of the model) unless it has a fixed batch size and <paramref name="cache"/> has no patched
    /// copy yet: only then is it parsed, patched and written here, once.
    /// </summary>
    private static InferenceSession OpenGraph(string path, SessionOptions options, SymbolicBatchCache? cache)
    {
        if (cache?.Find(path) is { } patchedPath)
        {
            return new InferenceSession(patchedPath, options);
        }

        InferenceSession session;
        try
        {
            session = new InferenceSession(path, options);
        }
        // The error code is not public; the message starts with it: "[ErrorCode:InvalidProtobuf] Load model from … failed".
        catch (OnnxRuntimeException e) when (e.Message.StartsWith("[ErrorCode:InvalidProtobuf]", StringComparison.Ordinal))
        {
            throw NotAModel(path, e);
        }

        if (!session.InputMetadata.Values.Any(input => input.Dimensions is [> 0, ..]))
        {
            return session;
        }

        session.Dispose();
        var patched = WithSymbolicBatch(path);
        cache?.Store(path, patched);
        return new InferenceSession(patched, options);
    }

    /// <summary>
    /// The model's bytes with the first dimension of every graph input and output made symbolic, where the export fixed
    /// it. Outputs stay bit-identical (checked on ResNet18).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not an ONNX model.</exception>
    public static byte[] WithSymbolicBatch(string path)
    {
        // Read with sharing: OnnxSharp's ParseFromFile opens the file exclusively, which fails when two silos on one
        // machine load the same model at once.
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw NotAModel(path, e);
        }

        var graph = model.Graph ?? throw new InvalidDataException($"{path} is not an ONNX model (it has no graph).");
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet();
        var fixedBatch = graph.Input.Where(i => !initializers.Contains(i.Name))
            .Any(i => i.Type.TensorType.Shape.Dim is [{ DimValue: > 0 }, ..]);
        if (fixedBatch)
        {
            graph.Clean();
            graph.SetDim();
        }

        return model.ToByteArray();
    }

    private static InvalidDataException NotAModel(string path, Exception e) => new($"{path} is not an ONNX model ({e.Message}).", e);

    /// <inheritdoc />
    public float[][] Run(IReadOnlyList<float[]> inputs)
    {
        var n = inputs.Count;
        var itemLength = Input.ItemLength;
        if (_buffer.Length < n * itemLength)
        {
            _buffer = new float[n * itemLength];
        }

        for (var i = 0; i < n; i++)
        {
            if (inputs[i].Length != itemLength)
            {
                throw new ArgumentException($"Item {i} has {inputs[i].Length} elements; the model takes {itemLength}.");
            }

            inputs[i].CopyTo(_buffer, i * itemLength);
        }

        var shape = Input.Shape.ToArray();
        shape[0] = n;
        using var input = OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, _buffer.AsMemory(0, n * itemLength), shape);
        using var results = RunGraphs(input);
        var outShape = results[0].GetTensorTypeAndShape().Shape;
        if (outShape.Length == 0 || outShape[0] != n)
        {
            throw new InvalidOperationException($"The model returned shape [{string.Join(',', outShape)}] for {n} items.");
        }

        outShape[0] = -1;
        if (!outShape.AsSpan().SequenceEqual(Output.Shape.ToArray()))
        {
            Output = Output with { Shape = outShape };
        }

        var data = results[0].GetTensorDataAsSpan<float>();
        var outLength = Output.ItemLength;
        var outputs = new float[n][];
        for (var i = 0; i < n; i++)
        {
            outputs[i] = data.Slice(i * outLength, outLength).ToArray();
        }

        return outputs;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _session.Dispose();
        _preprocess?.Dispose();
        _runOptions.Dispose();
    }

    private IDisposableReadOnlyCollection<OrtValue> RunGraphs(OrtValue input)
    {
        if (_preprocess is null)
        {
            return _session.Run(_runOptions, _input, [input], _output);
        }

        using var prepared = _preprocess.Run(_runOptions, _preprocessInput, [input], _preprocessOutput);
        return _session.Run(_runOptions, _input, [prepared[0]], _output);
    }

    private static TensorDescription DescribeInput(string name, NodeMetadata metadata, IReadOnlyList<long> itemShape)
    {
        var dims = metadata.Dimensions;
        if (dims.Length != itemShape.Count + 1)
        {
            throw new InvalidOperationException(
                $"Input '{name}' has shape [{string.Join(',', dims)}]; preprocessing makes items of shape [{string.Join(',', itemShape)}].");
        }

        var shape = new long[dims.Length];
        shape[0] = -1;
        for (var i = 1; i < dims.Length; i++)
        {
            if (dims[i] > 0 && dims[i] != itemShape[i - 1])
            {
                throw new InvalidOperationException(
                    $"Input '{name}' has shape [{string.Join(',', dims)}]; preprocessing makes items of shape [{string.Join(',', itemShape)}].");
            }

            shape[i] = itemShape[i - 1];
        }

        return new TensorDescription(name, shape);
    }

    private static TensorDescription DescribeOutput(string name, NodeMetadata metadata) =>
        new(name, [-1, .. metadata.Dimensions.Skip(1).Select(d => (long)d)]);
}
