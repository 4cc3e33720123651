using System.Diagnostics;
using Argus.Devices;
using Argus.Errors;
using Argus.Inference.Imaging;
using Argus.Inference.Models;
using Argus.Inference.Sessions;

namespace Argus.LoadTesting.Targets;

/// <summary>
/// The model's ONNX Runtime session in this process, loaded as a silo loads it, with nothing of Argus around it: the
/// baseline the cluster path is measured against. The session runs one batch at a time; requests that arrive while it
/// runs go together into the next batch, up to the model's <c>MaxBatchSize</c> (a request larger than that runs whole,
/// alone). Each batch's images are decoded and preprocessed in parallel before it runs.
/// </summary>
public sealed class RawTarget : ILoadTarget
{
    private readonly OnnxModel _model;
    private readonly ImagePreprocessor _preprocessor;
    private readonly ImageLimits _limits;
    private readonly string _name;
    private readonly int _maxBatchSize;
    private readonly object _gate = new();
    private readonly List<Pending> _waiting = [];
    private bool _running;

    private RawTarget(OnnxModel model, ExecutionTarget target, ImagePreprocessor preprocessor, ImageLimits limits, string name, int maxBatchSize)
    {
        _maxBatchSize = maxBatchSize;
        _model = model;
        Target = target;
        _preprocessor = preprocessor;
        _limits = limits;
        _name = name;
    }

    /// <summary>The device the session runs on.</summary>
    public ExecutionTarget Target { get; }

    /// <summary>The key answers carry: <c>in-process/{device}</c>.</summary>
    public string DeviceKey => $"in-process/{Target.Device}";

    /// <summary>Elements of one item's output.</summary>
    public int OutputLength => _model.Output.ItemLength;

    /// <inheritdoc />
    public string Description => $"raw {_name} in process ({Target.Provider})";

    /// <inheritdoc />
    public bool RunsInProcess => true;

    /// <summary>
    /// Loads <paramref name="model"/> as a silo with <paramref name="inference"/> would: same files (relative paths
    /// against this application's folder, where the build copies the models), same device choice, same session options.
    /// </summary>
    public static RawTarget Load(InferenceOptions inference, ModelOptions model)
    {
        // A silo runs OpenCV single-threaded (requests decode in parallel already); so does this.
        OpenCvSharp.Cv2.SetNumThreads(1);
        var target = ExecutionTarget.Discover(inference)[0];
        var session = OnnxModel.Load(
            ModelFiles.Configured(model.Path), model.PreprocessPath is null ? null : ModelFiles.Configured(model.PreprocessPath),
            [3, model.Preprocess.Height, model.Preprocess.Width],
            () => target.CreateSessionOptions(inference.SessionThreads(Environment.ProcessorCount)));
        return new RawTarget(session, target, new ImagePreprocessor(model.Preprocess), inference.Images, model.Name, model.Batching.MaxBatchSize);
    }

    /// <summary>Decodes and preprocesses one image as the session's input; throws <see cref="InvalidInputException"/> for an unusable one.</summary>
    public void Check(byte[] image) => _preprocessor.Process(image, _limits);

    /// <inheritdoc />
    /// <remarks>Each item's <see cref="ItemResult.Raw"/> is the model's output row, unchanged.</remarks>
    public Task<TargetAnswer> SendAsync(IReadOnlyList<byte[]> images, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(images.Count);
        var pending = new Pending(images, Stopwatch.GetTimestamp());
        bool start;
        lock (_gate)
        {
            _waiting.Add(pending);
            start = !_running;
            _running = true;
        }

        if (start)
        {
            _ = Task.Run(RunWaiting, CancellationToken.None);
        }

        return pending.Answer.Task;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DeviceInfo>> GetDevicesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeviceInfo>>([new DeviceInfo(DeviceKey, Target.Kind, Target.Provider)]);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _model.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Runs what waits, oldest first, in batches of at most the model's size, until nothing waits.</summary>
    private void RunWaiting()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _running = false;
                    return;
                }

                var (taken, images) = (1, _waiting[0].Images.Count);
                while (taken < _waiting.Count && images + _waiting[taken].Images.Count <= _maxBatchSize)
                {
                    images += _waiting[taken++].Images.Count;
                }

                batch = _waiting[..taken];
                _waiting.RemoveRange(0, taken);
            }

            try
            {
                RunBatch(batch);
            }
            catch (Exception e)
            {
                batch.ForEach(p => p.Answer.TrySetException(e));
            }
        }
    }

    /// <summary>
    /// Decodes and preprocesses <paramref name="images"/> in parallel on the thread pool, as the session's inputs; an
    /// unusable image gets its error instead of an input.
    /// </summary>
    public PreparedBatch Prepare(IReadOnlyList<byte[]> images)
    {
        var started = Stopwatch.GetTimestamp();
        var inputs = new float[]?[images.Count];
        var errors = new InferenceError?[images.Count];
        Parallel.For(0, images.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, images.Count) }, i =>
        {
            try
            {
                inputs[i] = _preprocessor.Process(images[i], _limits);
            }
            catch (InvalidInputException e)
            {
                errors[i] = new InferenceError(ErrorKind.BadInput, e.Message);
            }
        });

        return new PreparedBatch(inputs, errors, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// Runs the usable images of <paramref name="batch"/> as one batch on the session (none: nothing runs) and returns
    /// their output rows in order; throws when the model answers the wrong count, size or a value that is not finite.
    /// </summary>
    public float[][] Run(PreparedBatch batch)
    {
        float[][] ready = [.. batch.Inputs.OfType<float[]>()];
        var outputs = ready.Length == 0 ? [] : _model.Run(ready);
        if (outputs.Length != ready.Length || outputs.Any(o => o.Length != OutputLength || !o.All(float.IsFinite)))
        {
            throw new InvalidOperationException($"The model returned {outputs.Length} outputs for {ready.Length} inputs, or outputs of the wrong size or not finite.");
        }

        return outputs;
    }

    private void RunBatch(List<Pending> batch)
    {
        var started = Stopwatch.GetTimestamp();
        var prepared = Prepare([.. batch.SelectMany(p => p.Images)]);
        var preprocessed = Stopwatch.GetTimestamp();
        var outputs = Run(prepared);
        var compute = Stopwatch.GetElapsedTime(preprocessed).TotalMilliseconds;
        var (item, output) = (0, 0);
        foreach (var pending in batch)
        {
            var queue = Stopwatch.GetElapsedTime(pending.Arrived, started).TotalMilliseconds;
            var items = new ItemResult[pending.Images.Count];
            for (var j = 0; j < items.Length; j++, item++)
            {
                items[j] = prepared.Errors[item] is { } error ? ItemResult.Failed(error) : new ItemResult
                {
                    Raw = outputs[output++], QueueMs = queue, PreprocessMs = prepared.PreprocessMs, ComputeMs = compute, BatchSize = outputs.Length,
                };
            }

            pending.Answer.TrySetResult(new TargetAnswer(DeviceKey, items));
        }
    }

    private sealed record Pending(IReadOnlyList<byte[]> Images, long Arrived)
    {
        public TaskCompletionSource<TargetAnswer> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
