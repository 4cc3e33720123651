using Microsoft.Extensions.Options;

namespace Argus.Grains.Jobs;

/// <summary>Lists every problem with <see cref="JobOptions"/> at start-up.</summary>
internal sealed class JobOptionsValidator : IValidateOptions<JobOptions>
{
    private const string Section = JobOptions.Section;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, JobOptions options)
    {
        List<string> failures = [];
        if (!(options.LeaseSeconds >= 1)) failures.Add($"{Section}:LeaseSeconds must be at least 1 (is {options.LeaseSeconds}).");
        if (!(options.TickMs >= 10)) failures.Add($"{Section}:TickMs must be at least 10 (is {options.TickMs}).");
        if (!(options.WatchSeconds >= 0.1)) failures.Add($"{Section}:WatchSeconds must be at least 0.1 (is {options.WatchSeconds}).");
        if (!(options.WatchSettleSeconds >= 0)) failures.Add($"{Section}:WatchSettleSeconds must not be negative (is {options.WatchSettleSeconds}).");
        if (!(options.ReminderSeconds >= 1)) failures.Add($"{Section}:ReminderSeconds must be at least 1 (is {options.ReminderSeconds}).");
        if (!(options.PlanRetrySeconds >= 0)) failures.Add($"{Section}:PlanRetrySeconds must not be negative (is {options.PlanRetrySeconds}).");
        if (!(options.DeviceWaitSeconds >= 1)) failures.Add($"{Section}:DeviceWaitSeconds must be at least 1 (is {options.DeviceWaitSeconds}).");
        if (options.BatchesInFlightPerDevice is < 1 or > 16)
            failures.Add($"{Section}:BatchesInFlightPerDevice must be 1 to 16 (is {options.BatchesInFlightPerDevice}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
