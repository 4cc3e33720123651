using Argus.Inference.Models;
using Argus.Inference.Simulation;
using Microsoft.ML.OnnxRuntime;

namespace Argus.Inference.Sessions;

/// <summary>A device a silo serves on, and how to make ONNX Runtime sessions for it.</summary>
/// <param name="Device">The device's name on its silo, e.g. <c>cpu0</c> or <c>cuda0</c>.</param>
/// <param name="Kind"><c>cpu</c>, <c>cuda</c> or <c>sim</c>.</param>
/// <param name="Provider">The ONNX Runtime execution provider.</param>
/// <param name="Note">Why this provider: e.g. the reason CUDA could not be used.</param>
/// <param name="CudaDeviceId">The CUDA device, for <c>cuda</c>.</param>
public sealed record ExecutionTarget(string Device, string Kind, string Provider, string Note, int? CudaDeviceId)
{
    // Registered once per process, on the first CPU session's options.
    private static readonly Lazy<OrtArenaCfg> SharedCpuArena = new(() =>
    {
        var arena = new OrtArenaCfg(maxMemory: 0, arenaExtendStrategy: -1, initialChunkSizeBytes: -1, maxDeadBytesPerChunk: -1);
        using var memory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCPU, OrtAllocatorType.ArenaAllocator, 0, OrtMemType.Default);
        OrtEnv.Instance().CreateAndRegisterAllocator(memory, arena);
        return arena;
    });

    /// <summary>The latency profile a simulated device replays; null for a real device.</summary>
    public LatencyProfile? Profile { get; init; }

    /// <summary>
    /// Finds the devices to serve: the simulated ones when configured, else one per CUDA device whose provider loads,
    /// else one CPU device. The CUDA provider is tried for real: <c>GetAvailableProviders()</c> lists CUDA even where its
    /// libraries are missing.
    /// </summary>
    public static IReadOnlyList<ExecutionTarget> Discover(InferenceOptions options)
    {
        if (options.Sim.Devices > 0)
        {
            var profile = LatencyProfile.Resolve(options.Sim.Profile);
            return [.. Enumerable.Range(0, options.Sim.Devices).Select(i => new ExecutionTarget(
                $"sim{i}", "sim", $"sim:{profile.Name}",
                $"Simulated device, no model runs: batches take the latency of profile '{profile.Name}' ({profile.Source}).", null)
            {
                Profile = profile,
            })];
        }

        if (options.Cuda == CudaMode.Off)
        {
            return [Cpu("CUDA is off by configuration (Argus:Inference:Cuda=Off).")];
        }

        List<ExecutionTarget> targets = [];
        string? failure = null;
        foreach (var id in options.CudaDeviceIds)
        {
            try
            {
                using var probe = new SessionOptions();
                probe.AppendExecutionProvider_CUDA(id);
                targets.Add(new ExecutionTarget($"cuda{id}", "cuda", "CUDAExecutionProvider", $"CUDA device {id}.", id));
            }
            catch (Exception e)
            {
                // The CPU-only package throws EntryPointNotFoundException, the GPU build OnnxRuntimeException.
                failure ??= FirstLine(e.Message);
            }
        }

        // ONNX Runtime's own log line of the failed probe names the missing library; the exception does not.
        return targets.Count > 0
            ? targets
            : [Cpu($"CUDA unavailable: {failure ?? "no CUDA device configured"} (ONNX Runtime's log names the missing library; Argus:Inference:Cuda=Off skips the probe)")];
    }

    /// <summary>The CPU device, with the reason CUDA is not used.</summary>
    public static ExecutionTarget Cpu(string note) => new("cpu0", "cpu", "CPUExecutionProvider", note, null);

    /// <summary>
    /// Session options for this device: sequential, all graph optimisations, no spinning threads, and on the CPU one
    /// memory arena shared by every session of the process.
    /// </summary>
    public SessionOptions CreateSessionOptions(int intraOpThreads)
    {
        var options = new SessionOptions
        {
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = intraOpThreads > 0 ? intraOpThreads : Environment.ProcessorCount,
            InterOpNumThreads = 1,
        };

        // Spinning intra-op threads fight the web server and Orleans for the cores (measured ~5% slower end to end).
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (CudaDeviceId is { } id)
        {
            options.AppendExecutionProvider_CUDA(id);
        }
        else
        {
            // Each session's own arena keeps the peak of its largest batch for good (five models: five peaks, most of
            // a silo's memory). A device runs one batch at a time, so one arena sized for the largest batch serves them all.
            _ = SharedCpuArena.Value;
            options.AddSessionConfigEntry("session.use_env_allocators", "1");
        }

        return options;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
