using Microsoft.Extensions.Options;

namespace Argus.Grains.Scaling;

/// <summary>Lists every problem with <see cref="AutoscaleOptions"/> at start-up.</summary>
internal sealed class AutoscaleOptionsValidator : IValidateOptions<AutoscaleOptions>
{
    private const string Section = AutoscaleOptions.Section;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AutoscaleOptions options)
    {
        List<string> failures = [];
        if (options.MinSilos < 1) failures.Add($"{Section}:MinSilos must be at least 1 (is {options.MinSilos}).");
        if (options.MaxSilos < options.MinSilos) failures.Add($"{Section}:MaxSilos must be at least MinSilos ({options.MinSilos}) (is {options.MaxSilos}).");
        if (!(options.TargetInFlightPerDevice > 0))
            failures.Add($"{Section}:TargetInFlightPerDevice must be positive (is {options.TargetInFlightPerDevice}).");
        if (!(options.LookBackSeconds > 0)) failures.Add($"{Section}:LookBackSeconds must be positive (is {options.LookBackSeconds}).");
        if (!(options.UpscaleDelaySeconds >= 0)) failures.Add($"{Section}:UpscaleDelaySeconds must not be negative (is {options.UpscaleDelaySeconds}).");
        if (!(options.DownscaleDelaySeconds >= 0))
            failures.Add($"{Section}:DownscaleDelaySeconds must not be negative (is {options.DownscaleDelaySeconds}).");
        if (!(options.Tolerance is >= 0 and < 1)) failures.Add($"{Section}:Tolerance must be at least 0 and below 1 (is {options.Tolerance}).");
        if (!(options.UpscaleFactor is > 0 and <= 10))
            failures.Add($"{Section}:UpscaleFactor must be above 0 and at most 10 (is {options.UpscaleFactor}).");
        if (!(options.DownscaleFactor is > 0 and <= 1))
            failures.Add($"{Section}:DownscaleFactor must be above 0 and at most 1 (is {options.DownscaleFactor}).");
        if (options.IntervalMs < 100) failures.Add($"{Section}:IntervalMs must be at least 100 (is {options.IntervalMs}).");
        if (!(options.DrainTimeoutSeconds is >= 0 and <= 3600))
            failures.Add($"{Section}:DrainTimeoutSeconds must be between 0 and 3600 (is {options.DrainTimeoutSeconds}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
