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

        failures.AddRange(options.Models.SelectMany((m, i) => m.Validate($"Models[{i}] '{m.Name}'")));
        failures.AddRange(ModelOptions.ValidateVersions(options.Models).Select(f => $"Argus:Inference:Models: {f}"));
        failures.AddRange(options.Models.SelectMany((m, i) =>
            m.SimProfile is null ? [] : ProfileFailures($"Argus:Inference:Models[{i}] '{m.Name}' SimProfile", m.SimProfile)));
        if (string.IsNullOrWhiteSpace(options.ModelRoot))
        {
            failures.Add("Argus:Inference:ModelRoot is required.");
        }

        if (options.IntraOpThreads < 0)
        {
            failures.Add($"Argus:Inference:IntraOpThreads must not be negative (is {options.IntraOpThreads}).");
        }

        if (options.SilosPerNode < 1)
        {
            failures.Add($"Argus:Inference:SilosPerNode must be at least 1 (is {options.SilosPerNode}).");
        }

        if (options.Sim.Devices is < 0 or > 64)
        {
            failures.Add($"Argus:Inference:Sim:Devices must be between 0 and 64 (is {options.Sim.Devices}).");
        }
        else if (options.Sim.Devices > 0)
        {
            failures.AddRange(ProfileFailures("Argus:Inference:Sim:Profile", options.Sim.Profile));
        }

        if (options.Images.MaxPixels < 1 || options.Images.MaxSide < 1)
        {
            failures.Add("Argus:Inference:Images: MaxPixels and MaxSide must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> ProfileFailures(string owner, string profile)
    {
        try
        {
            Simulation.LatencyProfile.Resolve(profile);
            return [];
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            return [$"{owner}: {e.Message}"];
        }
    }
}
