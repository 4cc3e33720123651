using Argus.Inference.Imaging;
using Microsoft.Extensions.Options;

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

    /// <summary>The models every device loads.</summary>
    public List<ModelOptions> Models { get; set; } = [];

    /// <summary>Whether to try CUDA. Default <see cref="CudaMode.Auto"/>.</summary>
    public CudaMode Cuda { get; set; } = CudaMode.Auto;

    /// <summary>CUDA device ids to serve, one device each. Default [0].</summary>
    public List<int> CudaDeviceIds { get; set; } = [0];

    /// <summary>ONNX Runtime intra-op threads per CPU session; 0 means one per core. Default 0.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>What images the decoder accepts.</summary>
    public ImageLimits Images { get; set; } = new();

    /// <summary>Simulated devices, served instead of the real ones when configured.</summary>
    public SimulationOptions Sim { get; set; } = new();
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

/// <summary>Lists every configuration error at start-up.</summary>
public sealed class InferenceOptionsValidator : IValidateOptions<InferenceOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, InferenceOptions options)
    {
        List<string> failures = [];
        if (options.Models.Count == 0)
        {
            failures.Add("Argus:Inference:Models: at least one model is required.");
        }

        failures.AddRange(options.Models.SelectMany((m, i) => m.Validate(i)));
        failures.AddRange(options.Models.GroupBy(m => m.Name, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1)
            .Select(g => $"Argus:Inference:Models: the name '{g.Key}' is declared {g.Count()} times."));
        if (options.IntraOpThreads < 0)
        {
            failures.Add($"Argus:Inference:IntraOpThreads must not be negative (is {options.IntraOpThreads}).");
        }

        if (options.Sim.Devices is < 0 or > 64)
        {
            failures.Add($"Argus:Inference:Sim:Devices must be between 0 and 64 (is {options.Sim.Devices}).");
        }
        else if (options.Sim.Devices > 0)
        {
            try
            {
                Simulation.LatencyProfile.Resolve(options.Sim.Profile);
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
            {
                failures.Add($"Argus:Inference:Sim:Profile: {e.Message}");
            }
        }

        if (options.Images.MaxPixels < 1 || options.Images.MaxSide < 1)
        {
            failures.Add("Argus:Inference:Images: MaxPixels and MaxSide must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
