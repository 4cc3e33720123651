using Microsoft.Extensions.Options;

namespace Argus.Silo.Hosting;

/// <summary>Lists every problem with <see cref="ArgusTelemetryOptions"/> at start-up.</summary>
internal sealed class ArgusTelemetryOptionsValidator : IValidateOptions<ArgusTelemetryOptions>
{
    private const string Section = ArgusTelemetryOptions.Section;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ArgusTelemetryOptions options)
    {
        List<string> failures = [];
        if (options.OtlpEndpoint is { Length: > 0 } endpoint
            && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            failures.Add($"{Section}:OtlpEndpoint must be an http(s) address (is '{endpoint}').");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceName)) failures.Add($"{Section}:ServiceName must not be empty.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
