using Argus.Inference.Imaging;

namespace Argus.Inference.Models;

/// <summary>Whether a silo may use CUDA.</summary>
public enum CudaMode
{
    /// <summary>Use CUDA where its provider loads; CPU otherwise (the reason is reported).</summary>
    Auto,

    /// <summary>CPU only.</summary>
    Off,
}

/// <summary>The silo's inference runtime: models, devices and threads (<c>Argus:Inference</c>).</summary>
public sealed class InferenceOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Argus:Inference";

    /// <summary>
    /// The model versions every device loads at start; a name may be declared with several versions. Their files resolve
    /// relative to the application's folder, or anywhere when absolute (<see cref="ModelFiles"/>).
    /// </summary>
    public List<ModelOptions> Models { get; set; } = [];

    /// <summary>
    /// The folder that files of model versions loaded at run time must lie in (after resolving symbolic links), relative
    /// to the application's folder or absolute. Default <c>models</c>, where the shipped models are.
    /// </summary>
    public string ModelRoot { get; set; } = "models";

    /// <summary>Whether to try CUDA. Default <see cref="CudaMode.Auto"/>.</summary>
    public CudaMode Cuda { get; set; } = CudaMode.Auto;

    /// <summary>CUDA device ids to serve, one device each. Default [0].</summary>
    public List<int> CudaDeviceIds { get; set; } = [0];

    /// <summary>
    /// ONNX Runtime intra-op threads per session; 0 means this silo's share of the cores (<see cref="SessionThreads"/>).
    /// Default 0.
    /// </summary>
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// How many silos share this machine (or this container's CPU limit), so that with <see cref="IntraOpThreads"/> 0 each
    /// takes its share of the cores rather than all of them. Default 1.
    /// </summary>
    public int SilosPerNode { get; set; } = 1;

    /// <summary>
    /// The folder where models exported with a fixed batch size are kept once made symbolic (<see cref="Sessions.SymbolicBatchCache"/>),
    /// so a silo patches such a model once, not at every start; relative to the application's folder or absolute. Empty:
    /// no cache, the model is patched in memory at every start. Default <c>model-cache</c>.
    /// </summary>
    public string ModelCache { get; set; } = "model-cache";

    /// <summary>
    /// The intra-op threads of each session: <see cref="IntraOpThreads"/> where set, else the cores this process may use
    /// (<paramref name="processorCount"/>: .NET's count already honours a container's CPU limit, cgroup <c>cpu.max</c>)
    /// divided among the <see cref="SilosPerNode"/> silos sharing them, at least one. A device runs one batch at a time,
    /// so a silo's sessions never need more than its share at once.
    /// </summary>
    public int SessionThreads(int processorCount) =>
        IntraOpThreads > 0 ? IntraOpThreads : Math.Max(1, processorCount / Math.Max(1, SilosPerNode));

    /// <summary>What images the decoder accepts.</summary>
    public ImageLimits Images { get; set; } = new();

    /// <summary>Simulated devices, served instead of the real ones when configured.</summary>
    public SimulationOptions Sim { get; set; } = new();

    /// <summary>
    /// Whether the silo adds up its CPU time by serving stage (<see cref="Telemetry.StageClock"/>, published as
    /// <c>argus.stage.cpu.time</c>): two system calls per timed section, for measuring (<c>scripts/bench.sh --cpu-cost</c>).
    /// Default false.
    /// </summary>
    public bool StageTiming { get; set; }
}

/// <summary>
/// Simulated accelerators (<c>Argus:Inference:Sim</c>): devices of kind <c>sim</c> whose batches take the time a
/// latency profile gives instead of running the model, so batching and scheduling can be measured on machines without
/// a GPU. They go through the same grain, batcher, lanes, deadlines and routing as real devices, and every status,
/// response and report names them <c>sim</c>.
/// </summary>
public sealed class SimulationOptions
{
    /// <summary>Simulated devices this silo serves (<c>sim0</c>, <c>sim1</c>, …) instead of its real ones. Default 0: none.</summary>
    public int Devices { get; set; }

    /// <summary>The latency profile: <c>textbook</c>, a profile shipped in <c>profiles/</c>, or a profile file. Default <c>textbook</c>.</summary>
    public string Profile { get; set; } = Simulation.LatencyProfile.TextbookName;
}
