using System.Diagnostics;
using Argus.Inference.Batching;
using Argus.Inference.Models;
using Argus.Inference.Sessions;
using Argus.Inference.Simulation;
using Argus.Inference.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace Argus.Inference.Devices;

/// <summary>
/// The silo-wide owner of every device, its model sessions and its batcher. Created at start-up and loaded in the
/// background (so liveness answers at once, readiness once every model is warm); lives as long as the process, so a
/// grain deactivation never unloads a model or causes a cold start.
/// </summary>
public sealed partial class DeviceRuntime(
    IOptions<InferenceOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    InferenceInstruments instruments,
    ILoggerFactory loggers) : IHostedService, IDisposable
{
    private readonly ILogger _logger = loggers.CreateLogger<DeviceRuntime>();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyList<InferenceDevice> _devices = [];
    private IReadOnlyList<ExecutionTarget> _targets = [];

    /// <summary>True once every model is loaded and warm on every device.</summary>
    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    /// <summary>Completes when the runtime is ready; faults when loading failed.</summary>
    public Task Ready => _ready.Task;

    /// <summary>The devices (empty until ready).</summary>
    public IReadOnlyList<InferenceDevice> Devices => _devices;

    /// <summary>The devices this silo serves on, known before the models are loaded.</summary>
    public IReadOnlyList<ExecutionTarget> Targets => _targets;

    /// <summary>The device of that name, or null (also while loading).</summary>
    public InferenceDevice? FindDevice(string name) => _devices.FirstOrDefault(d => d.Name == name);

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Images already decode in parallel (across a batch on a CPU device, on callers' threads otherwise);
        // OpenCV's own pool would only add contention.
        OpenCvSharp.Cv2.SetNumThreads(1);
        _targets = ExecutionTarget.Discover(options.Value);
        foreach (var target in _targets)
        {
            LogTarget(_logger, target.Device, target.Provider, target.Note);
        }

        _ = Task.Run(Load, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var device in _devices)
        {
            device.Dispose();
        }

        _devices = [];
    }

    private void Load()
    {
        try
        {
            List<InferenceDevice> devices = [];
            Dictionary<string, (TensorDescription Input, TensorDescription Output)> shapes = [];
            foreach (var target in _targets)
            {
                devices.Add(LoadDevice(target, shapes));
            }

            _devices = devices;
            _ready.TrySetResult();
        }
        catch (Exception e)
        {
            LogLoadFailed(_logger, e);
            _ready.TrySetException(e);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    /// <param name="target">The device.</param>
    /// <param name="shapes">The models' tensors, read once for every simulated device.</param>
    private InferenceDevice LoadDevice(ExecutionTarget target, Dictionary<string, (TensorDescription Input, TensorDescription Output)> shapes)
    {
        var o = options.Value;
        var batcher = new MicroBatcher(target.Device, time, loggers.CreateLogger<MicroBatcher>(), instruments);
        List<LoadedModel> models = [];
        try
        {
            foreach (var m in o.Models)
            {
                var started = Stopwatch.GetTimestamp();
                IModelSession session;
                if (target.Profile is { } profile)
                {
                    if (!shapes.TryGetValue(m.Name, out var shape))
                    {
                        shapes[m.Name] = shape = ReadShapes(m);
                    }

                    session = new SimulatedModel(profile, shape.Input, shape.Output);
                }
                else
                {
                    session = Open(m, () => target.CreateSessionOptions(o.IntraOpThreads));
                }

                var itemCost = WarmUp(session, m.Batching.MaxBatchSize);
                var labels = m.LabelsPath is null ? [] : File.ReadAllLines(Resolve(m.LabelsPath)).Where(l => l.Length > 0).ToArray();
                var queue = batcher.Register(new InferenceLabels(m.Name, m.Version, target.Device, target.Kind), m.Batching, session, itemCost);
                models.Add(new LoadedModel(m, session, labels, queue));
                LogModelLoaded(_logger, m.Name, m.Version, target.Device, target.Provider,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds, itemCost.TotalMilliseconds);
            }
        }
        catch
        {
            batcher.Dispose();
            models.ForEach(m => m.Dispose());
            throw;
        }

        batcher.Start();
        var device = new InferenceDevice(target, batcher, models, o.Images, instruments);
        instruments.Track(device);
        return device;
    }

    private static OnnxModel Open(ModelOptions m, Func<SessionOptions> createOptions) => OnnxModel.Load(
        Resolve(m.Path), m.PreprocessPath is null ? null : Resolve(m.PreprocessPath), [3, m.Preprocess.Height, m.Preprocess.Width], createOptions);

    /// <summary>
    /// The tensors of the real model, which a simulated device's outputs copy: the model is loaded on the CPU and run
    /// once (dimensions the graph leaves open are known only after a run), then freed.
    /// </summary>
    private static (TensorDescription Input, TensorDescription Output) ReadShapes(ModelOptions m)
    {
        using var model = Open(m, () => ExecutionTarget.Cpu("").CreateSessionOptions(intraOpThreads: 1));
        model.Run([new float[model.Input.ItemLength]]);
        return (model.Input, model.Output);
    }

    /// <summary>Runs a batch of 1 and a full batch so the first request is not a cold one; returns the cost per item.</summary>
    private static TimeSpan WarmUp(IModelSession session, int maxBatchSize)
    {
        var zero = new float[session.Input.ItemLength];
        session.Run([zero]);
        var batch = Enumerable.Repeat(zero, maxBatchSize).ToArray();
        var started = Stopwatch.GetTimestamp();
        session.Run(batch);
        return Stopwatch.GetElapsedTime(started) / maxBatchSize;
    }

    private static string Resolve(string path)
    {
        var full = Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
        return File.Exists(full)
            ? full
            : throw new FileNotFoundException($"Model file {full} is missing. The PP-OCR models come from scripts/fetch-models.sh (run it, then rebuild).", full);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Model {Model} v{Version} warm on {Device} ({Provider}) in {LoadMs:F0} ms, {ItemMs:F1} ms per item")]
    private static partial void LogModelLoaded(ILogger logger, string model, string version, string device, string provider, double loadMs, double itemMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving on {Device} with {Provider}: {Note}")]
    private static partial void LogTarget(ILogger logger, string device, string provider, string note);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Loading the models failed; the silo stops")]
    private static partial void LogLoadFailed(ILogger logger, Exception error);
}
