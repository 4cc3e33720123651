using Microsoft.Extensions.Options;

namespace Argus.Inference.Models;

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
