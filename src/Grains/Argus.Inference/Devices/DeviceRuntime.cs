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
/// background (so liveness answers at once, readiness once every configured version is warm); lives as long as the
/// process, so a grain deactivation never unloads a model or causes a cold start. Versions are loaded and unloaded at run
/// time on every device at once (<see cref="LoadAsync"/>, <see cref="UnloadAsync"/>).
/// </summary>
public sealed partial class DeviceRuntime(
    IOptions<InferenceOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    InferenceInstruments instruments,
    ILoggerFactory loggers) : IHostedLifecycleService, IDisposable
{
    private readonly ILogger _logger = loggers.CreateLogger<DeviceRuntime>();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SymbolicBatchCache? _cache = options.Value.ModelCache is { Length: > 0 } folder
        ? new SymbolicBatchCache(Path.GetFullPath(folder, AppContext.BaseDirectory), loggers.CreateLogger<SymbolicBatchCache>())
        : null;

    // Loads and unloads run one at a time; inference reads each device's model set without it.
    private readonly SemaphoreSlim _changes = new(1, 1);
    private IReadOnlyList<InferenceDevice> _devices = [];
    private IReadOnlyList<ExecutionTarget> _targets = [];

    /// <summary>True once every configured model version is loaded and warm on every device.</summary>
    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    /// <summary>Completes when the runtime is ready; faults when loading failed.</summary>
    public Task Ready => _ready.Task;

    /// <summary>
    /// Waits until the runtime is ready: true; false when loading failed (the runtime then stops the silo, and a
    /// background service waiting for it has nothing to do).
    /// </summary>
    public async Task<bool> WhenReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _ready.Task.WaitAsync(cancellationToken);
            return true;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The devices (empty until ready).</summary>
    public IReadOnlyList<InferenceDevice> Devices => _devices;

    /// <summary>The devices this silo serves on, known before the models are loaded.</summary>
    public IReadOnlyList<ExecutionTarget> Targets => _targets;

    /// <summary>The device of that name, or null (also while loading).</summary>
    public InferenceDevice? FindDevice(string name) => _devices.FirstOrDefault(d => d.Name == name);

    /// <summary>
    /// Chooses the devices and starts loading the models in the background. The host calls this before it starts any
    /// hosted service, so that the models open while Orleans and Kestrel start rather than after them; they warm once the
    /// host has started.
    /// </summary>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        StageClock.Enabled = options.Value.StageTiming;
        _targets = ExecutionTarget.Discover(options.Value);
        foreach (var target in _targets)
        {
            LogTarget(_logger, target.Device, target.Provider, target.Note);
        }

        _ = Task.Run(Load, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    Task IHostedLifecycleService.StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    Task IHostedLifecycleService.StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    Task IHostedLifecycleService.StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var device in _devices)
        {
            device.Dispose();
        }

        _devices = [];
    }

    /// <summary>
    /// Loads a model version on every device of this silo at run time: checks its definition as configuration is checked
    /// (<see cref="InferenceOptionsValidator"/>'s rules, and the rules across the versions loaded now), resolves its files
    /// inside <see cref="InferenceOptions.ModelRoot"/> (<see cref="ModelFiles.Resolve"/>), opens and warms it on every
    /// device, and only then adds it to each device's <see cref="InferenceDevice.Models"/>: a version takes traffic only
    /// once it is warm everywhere on this silo. On failure nothing of it is left behind. One load or unload runs at a
    /// time; inference never waits for them.
    /// </summary>
    /// <returns>True when it was loaded; false when the same definition was already loaded (nothing was done).</returns>
    /// <exception cref="ModelLoadException">
    /// The definition is invalid, conflicts with the loaded version of the same name and version or with the task of the
    /// name's other versions, or a file is missing, outside the model root or not a model, or a device failed to open or warm it.
    /// </exception>
    public async Task<bool> LoadAsync(ModelOptions definition, CancellationToken cancellationToken)
    {
        await Ready.WaitAsync(cancellationToken);
        await _changes.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_devices.Count == 0, this);
            if (_devices[0].FindModel(definition.Name, definition.Version) is { } loaded)
            {
                return loaded.Options.SameDefinition(definition)
                    ? false
                    : throw new ModelLoadException(
                        $"Model {definition.Identity} is already loaded with a different definition: unload it first, or load it as another version.");
            }

            List<string> failures = [.. definition.Validate($"Model {definition.Identity}"),
                .. ModelOptions.ValidateVersions([.. _devices[0].Models.Select(m => m.Options), definition])];
            if (failures.Count > 0)
            {
                throw new ModelLoadException(string.Join(" ", failures));
            }

            var opened = await Task.Run(() => OpenEverywhere(definition, cancellationToken), cancellationToken);
            foreach (var (device, model) in opened)
            {
                device.Add(model);
            }

            return true;
        }
        catch (ModelLoadException e)
        {
            LogLoadRefused(_logger, definition.Name, definition.Version, e.Message);
            throw;
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>
    /// Unloads a model version from every device of this silo: takes it out first (new calls no longer find it), waits
    /// until every item already at it has its outcome (queued items run), then removes its queues and frees its sessions.
    /// One load or unload runs at a time. <paramref name="cancellationToken"/> stops only the wait for another load or
    /// unload: once the version is taken out, its items drain (each ends by its deadline) and its sessions are freed.
    /// </summary>
    /// <returns>True when it was unloaded; false when no such version is loaded.</returns>
    public async Task<bool> UnloadAsync(string name, string version, CancellationToken cancellationToken)
    {
        await Ready.WaitAsync(cancellationToken);
        await _changes.WaitAsync(cancellationToken);
        try
        {
            List<(InferenceDevice Device, LoadedModel Model)> removed = [];
            foreach (var device in _devices)
            {
                if (device.Remove(name, version) is { } model)
                {
                    removed.Add((device, model));
                }
            }

            if (removed.Count == 0)
            {
                return false;
            }

            await Task.WhenAll(removed.Select(r => r.Model.RetireAsync()));
            foreach (var (device, model) in removed)
            {
                Close(device.Batcher, model);
            }

            LogModelUnloaded(_logger, removed[0].Model.Name, removed[0].Model.Version, removed.Count);
            return true;
        }
        finally
        {
            _changes.Release();
        }
    }

    private void Load()
    {
        try
        {
            // Images already decode in parallel (across a batch on a CPU device, on callers' threads otherwise);
            // OpenCV's own pool would only add contention. Here, off the host's start, as loading OpenCV takes a while.
            OpenCvSharp.Cv2.SetNumThreads(1);
            var versions = InParallel(options.Value.Models, m => Prepare(m, modelRoot: null), static _ => { });
            List<InferenceDevice> devices = [];
            foreach (var target in _targets)
            {
                devices.Add(LoadDevice(target, versions));
            }

            _devices = devices;
            MemoryCompaction.AfterLoading();
            _ready.TrySetResult();
            using var process = Process.GetCurrentProcess();
            LogReady(_logger, versions.Length, devices.Count, (DateTime.Now - process.StartTime).TotalMilliseconds);
        }
        catch (Exception e)
        {
            LogLoadFailed(_logger, e);
            _ready.TrySetException(e);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    private InferenceDevice LoadDevice(ExecutionTarget target, IReadOnlyList<VersionSource> versions)
    {
        var batcher = new MicroBatcher(target.Device, time, loggers.CreateLogger<MicroBatcher>(), instruments);
        List<LoadedModel> models = [];
        try
        {
            // Sessions open in parallel: building one is mostly single-threaded graph work. They warm one at a time: a
            // warm-up takes every intra-op thread, and it times the model's cost per item, which sharing the cores would inflate.
            var sessions = InParallel(versions, v => OpenSession(target, v), s => s.Session.Dispose());

            // The sessions opened while the host started (Orleans, Kestrel); the warm-ups wait until it has, so that
            // they time the cost per item on cores of their own.
            WaitHandle.WaitAny([lifetime.ApplicationStarted.WaitHandle, lifetime.ApplicationStopping.WaitHandle]);
            for (var i = 0; i < versions.Count; i++)
            {
                try
                {
                    models.Add(Activate(target, batcher, versions[i], sessions[i]));
                }
                catch
                {
                    foreach (var rest in sessions.Skip(i + 1))
                    {
                        rest.Session.Dispose();
                    }

                    throw;
                }
            }
        }
        catch
        {
            batcher.Dispose();
            models.ForEach(m => m.Dispose());
            throw;
        }

        batcher.Start();
        var device = new InferenceDevice(target, batcher, models, options.Value.Images, instruments);
        instruments.Track(device);
        return device;
    }

    /// <summary>Opens a version loaded at run time on every device; on failure closes what it opened.</summary>
    private List<(InferenceDevice Device, LoadedModel Model)> OpenEverywhere(ModelOptions definition, CancellationToken cancellationToken)
    {
        var version = Prepare(definition, options.Value.ModelRoot);
        List<(InferenceDevice Device, LoadedModel Model)> opened = [];
        try
        {
            foreach (var device in _devices)
            {
                cancellationToken.ThrowIfCancellationRequested();
                opened.Add((device, OpenVersion(device.Target, device.Batcher, version)));
            }

            return opened;
        }
        catch
        {
            foreach (var (device, model) in opened)
            {
                Close(device.Batcher, model);
            }

            throw;
        }
    }

    /// <summary>
    /// Reads what every device needs to open a version, once: its files (resolved by the configured rule when
    /// <paramref name="modelRoot"/> is null, else confined to it), labels, simulated profile and, for simulated devices,
    /// the real model's tensors.
    /// </summary>
    /// <exception cref="ModelLoadException">A file is refused, missing or unreadable, the profile is unknown, or the model does not open.</exception>
    private VersionSource Prepare(ModelOptions m, string? modelRoot)
    {
        Func<string, string> resolve = modelRoot is null ? ModelFiles.Configured : path => ModelFiles.Resolve(modelRoot, path);
        try
        {
            var model = resolve(m.Path);
            var preprocess = m.PreprocessPath is null ? null : resolve(m.PreprocessPath);
            string[] labels = m.LabelsPath is null ? [] : [.. File.ReadAllLines(resolve(m.LabelsPath)).Where(l => l.Length > 0)];
            var profile = m.SimProfile is null ? null
                : modelRoot is null ? LatencyProfile.Resolve(m.SimProfile)
                : LatencyProfile.ResolveName(m.SimProfile);
            (TensorDescription, TensorDescription)? shapes = _targets.Any(t => t.Profile is not null) ? ReadShapes(m, model, preprocess) : null;
            return new VersionSource(m, model, preprocess, labels, profile, shapes);
        }
        catch (Exception e) when (e is not ModelLoadException)
        {
            throw new ModelLoadException($"Model {m.Identity} could not be loaded: {e.Message}", e);
        }
    }

    /// <summary>
    /// The one way a version becomes warm on a device, at start and at run time: opens its session (a simulated one on a
    /// simulated device), warms it and registers its queues. On failure nothing of it is left on the device.
    /// </summary>
    /// <exception cref="ModelLoadException">The device could not open or warm it, or its output does not suit its task.</exception>
    private LoadedModel OpenVersion(ExecutionTarget target, MicroBatcher batcher, VersionSource version) =>
        Activate(target, batcher, version, OpenSession(target, version));

    /// <summary>Opens a version's session on a device (a simulated one on a simulated device), not yet warm.</summary>
    /// <exception cref="ModelLoadException">The device could not open it.</exception>
    private OpenedSession OpenSession(ExecutionTarget target, VersionSource version)
    {
        var m = version.Options;
        var started = Stopwatch.GetTimestamp();
        try
        {
            IModelSession session = target.Profile is { } deviceProfile
                ? new SimulatedModel(version.SimProfile ?? deviceProfile, version.Shapes!.Value.Input, version.Shapes.Value.Output)
                : OpenOnnx(m, version.Model, version.Preprocess, () => target.CreateSessionOptions(options.Value.SessionThreads(Environment.ProcessorCount)), _cache);
            return new OpenedSession(session, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e)
        {
            throw Failed(m, target, e);
        }
    }

    /// <summary>Warms an opened session and registers its queues; owns <paramref name="opened"/> (freed on failure).</summary>
    /// <exception cref="ModelLoadException">The device could not warm it, or its output does not suit its task.</exception>
    private LoadedModel Activate(ExecutionTarget target, MicroBatcher batcher, VersionSource version, OpenedSession opened)
    {
        var m = version.Options;
        var started = Stopwatch.GetTimestamp();
        BatchQueue? queue = null;
        try
        {
            var itemCost = WarmUp(opened.Session, m.Batching.MaxBatchSize);
            queue = batcher.Register(new InferenceLabels(m.Name, m.Version, target.Device, target.Kind), m.Batching, opened.Session, itemCost);
            var model = new LoadedModel(m, opened.Session, version.Labels, queue);
            LogModelLoaded(_logger, m.Name, m.Version, target.Device, target.Provider, opened.Took.TotalMilliseconds,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, itemCost.TotalMilliseconds);
            return model;
        }
        catch (Exception e)
        {
            if (queue is not null)
            {
                batcher.Unregister(queue);
            }

            opened.Session.Dispose();
            throw Failed(m, target, e);
        }
    }

    private static ModelLoadException Failed(ModelOptions m, ExecutionTarget target, Exception e) =>
        new($"Model {m.Identity} could not be loaded on {target.Device}: {e.Message}", e);

    /// <summary>
    /// <paramref name="open"/> over every item, at most one per core at once, results in the items' order. When any fails,
    /// what the others opened is closed and the first failure (in the items' order) is thrown.
    /// </summary>
    private static TOut[] InParallel<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> open, Action<TOut> close)
        where TOut : class
    {
        var results = new TOut?[items.Count];
        var failures = new Exception?[items.Count];
        Parallel.For(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            try
            {
                results[i] = open(items[i]);
            }
            catch (Exception e)
            {
                failures[i] = e;
            }
        });
        if (Array.Find(failures, f => f is not null) is not { } failure)
        {
            return results!;
        }

        foreach (var result in results)
        {
            if (result is not null)
            {
                close(result);
            }
        }

        // Each failure is a ModelLoadException whose inner exception keeps where it happened.
        throw failure;
    }

    /// <summary>Removes a version's queues from its device and frees its session.</summary>
    private static void Close(MicroBatcher batcher, LoadedModel model)
    {
        batcher.Unregister(model.Queue);
        model.Dispose();
    }

    private static OnnxModel OpenOnnx(
        ModelOptions m, string path, string? preprocessPath, Func<SessionOptions> createOptions, SymbolicBatchCache? cache) =>
        OnnxModel.Load(path, preprocessPath, [3, m.Preprocess.Height, m.Preprocess.Width], createOptions, cache);

    /// <summary>
    /// The tensors of the real model, which a simulated device's outputs copy: the model is loaded on the CPU and run
    /// once (dimensions the graph leaves open are known only after a run), then freed.
    /// </summary>
    private (TensorDescription Input, TensorDescription Output) ReadShapes(ModelOptions m, string path, string? preprocessPath)
    {
        using var model = OpenOnnx(m, path, preprocessPath, () => ExecutionTarget.Cpu("").CreateSessionOptions(intraOpThreads: 1), _cache);
        model.Run([new float[model.Input.ItemLength]]);
        return (model.Input, model.Output);
    }

    /// <summary>Runs a batch of 1 and a full batch so the first request is not a cold one; returns the cost per item.</summary>
    private static TimeSpan WarmUp(IModelSession session, int maxBatchSize)
    {
        if (session is SimulatedModel simulated)
        {
            // Nothing to warm, and a run would only sleep (or fail, for a profile with a failure rate): the profile is the cost.
            return simulated.Profile.BatchLatency(maxBatchSize) / maxBatchSize;
        }

        var zero = new float[session.Input.ItemLength];
        session.Run([zero]);
        var batch = Enumerable.Repeat(zero, maxBatchSize).ToArray();
        var started = Stopwatch.GetTimestamp();
        session.Run(batch);
        return Stopwatch.GetElapsedTime(started) / maxBatchSize;
    }

    /// <summary>What every device needs to open one version, read once for all of them.</summary>
    /// <param name="Options">The version's definition.</param>
    /// <param name="Model">The model file, resolved.</param>
    /// <param name="Preprocess">The preprocessing graph, resolved, if any.</param>
    /// <param name="Labels">Class labels, else empty.</param>
    /// <param name="SimProfile">The version's own latency profile on simulated devices, if any.</param>
    /// <param name="Shapes">The real model's tensors, when this silo's devices are simulated.</param>
    private sealed record VersionSource(
        ModelOptions Options, string Model, string? Preprocess, IReadOnlyList<string> Labels, LatencyProfile? SimProfile,
        (TensorDescription Input, TensorDescription Output)? Shapes);

    /// <summary>A version's session, opened on a device but not yet warm.</summary>
    /// <param name="Session">The session.</param>
    /// <param name="Took">How long opening it took.</param>
    private sealed record OpenedSession(IModelSession Session, TimeSpan Took);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Model {Model} v{Version} warm on {Device} ({Provider}): opened in {OpenMs:F0} ms, warmed in {WarmMs:F0} ms, {ItemMs:F1} ms per item")]
    private static partial void LogModelLoaded(
        ILogger logger, string model, string version, string device, string provider, double openMs, double warmMs, double itemMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ready: {Models} model version(s) warm on {Devices} device(s), {SinceStartMs:F0} ms after the process started")]
    private static partial void LogReady(ILogger logger, int models, int devices, double sinceStartMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving on {Device} with {Provider}: {Note}")]
    private static partial void LogTarget(ILogger logger, string device, string provider, string note);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Model} v{Version} unloaded from {Devices} device(s) once its items had their outcomes")]
    private static partial void LogModelUnloaded(ILogger logger, string model, string version, int devices);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model} v{Version} was not loaded: {Reason}")]
    private static partial void LogLoadRefused(ILogger logger, string model, string version, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Loading the models failed; the silo stops")]
    private static partial void LogLoadFailed(ILogger logger, Exception error);
}
