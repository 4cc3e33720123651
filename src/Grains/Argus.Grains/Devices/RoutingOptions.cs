using Microsoft.Extensions.Options;

namespace Argus.Grains.Devices;

/// <summary>How a silo's door routes calls to devices (<c>Argus:Routing</c>).</summary>
public sealed class RoutingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Argus:Routing";

    /// <summary>
    /// A call goes to a device of the silo it reached while that device's expected wait is at most this many
    /// milliseconds; beyond it, to the less loaded of two devices sampled across the cluster. Default 50.
    /// </summary>
    public double LocalWaitLimitMs { get; set; } = 50;

    /// <summary>
    /// How long a call to a device of another silo may run beyond that device's expected wait before it is abandoned and
    /// tried on another device, in milliseconds: the backstop for a message lost with a silo. A silo that is declared dead
    /// ends its calls sooner. Default 3000.
    /// </summary>
    public double AttemptTimeoutMs { get; set; } = 3000;
}

/// <summary>Lists every problem with <see cref="RoutingOptions"/> at start-up.</summary>
internal sealed class RoutingOptionsValidator : IValidateOptions<RoutingOptions>
{
    private const string Section = RoutingOptions.Section;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RoutingOptions options)
    {
        List<string> failures = [];
        if (!(options.LocalWaitLimitMs >= 0)) failures.Add($"{Section}:LocalWaitLimitMs must not be negative (is {options.LocalWaitLimitMs}).");
        if (!(options.AttemptTimeoutMs >= 100)) failures.Add($"{Section}:AttemptTimeoutMs must be at least 100 (is {options.AttemptTimeoutMs}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
