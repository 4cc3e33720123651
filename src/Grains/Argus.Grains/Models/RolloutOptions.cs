using Microsoft.Extensions.Options;

namespace Argus.Grains.Models;

/// <summary>When a canary is rolled back automatically (<c>Argus:Rollout</c>); see <see cref="RollbackRule"/>.</summary>
public sealed class RolloutOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Argus:Rollout";

    /// <summary>The window over which stable and canary are compared, in seconds. Default 60.</summary>
    public int WindowSeconds { get; set; } = 60;

    /// <summary>
    /// Items each version must have answered in the window before they are compared. Default 20: fewer, and one failed
    /// item moves the error rate by more than the margin.
    /// </summary>
    public int MinItems { get; set; } = 20;

    /// <summary>
    /// How far the canary's error rate may exceed stable's before it is rolled back, as a share (0.05: five percentage
    /// points). Default 0.05.
    /// </summary>
    public double ErrorRateMargin { get; set; } = 0.05;

    /// <summary>How many times stable's p95 latency the canary's may be before it is rolled back. Default 1.5.</summary>
    public double LatencyRatio { get; set; } = 1.5;

    /// <summary>
    /// How many milliseconds above stable's p95 the canary's may always be, whatever the ratio, so that fast models'
    /// jitter (1 ms against 2 ms) never rolls one back. Default 20.
    /// </summary>
    public double LatencyFloorMs { get; set; } = 20;
}

/// <summary>Lists every problem with <see cref="RolloutOptions"/> at start-up.</summary>
internal sealed class RolloutOptionsValidator : IValidateOptions<RolloutOptions>
{
    private const string Section = RolloutOptions.Section;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RolloutOptions options)
    {
        List<string> failures = [];
        if (options.WindowSeconds < 1) failures.Add($"{Section}:WindowSeconds must be at least 1 (is {options.WindowSeconds}).");
        if (options.MinItems < 1) failures.Add($"{Section}:MinItems must be at least 1 (is {options.MinItems}).");
        if (!(options.ErrorRateMargin is >= 0 and < 1)) failures.Add($"{Section}:ErrorRateMargin must be from 0 to below 1 (is {options.ErrorRateMargin}).");
        if (!(options.LatencyRatio >= 1)) failures.Add($"{Section}:LatencyRatio must be at least 1 (is {options.LatencyRatio}).");
        if (!(options.LatencyFloorMs >= 0)) failures.Add($"{Section}:LatencyFloorMs must not be negative (is {options.LatencyFloorMs}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
