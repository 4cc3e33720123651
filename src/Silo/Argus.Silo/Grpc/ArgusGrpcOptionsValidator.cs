using Microsoft.Extensions.Options;

namespace Argus.Silo.Grpc;

/// <summary>Lists every problem with <see cref="ArgusGrpcOptions"/> at start-up.</summary>
/// <param name="http">The HTTP API's ports, which the gRPC port must not take.</param>
internal sealed class ArgusGrpcOptionsValidator(HttpApiPorts http) : IValidateOptions<ArgusGrpcOptions>
{
    private const string Section = ArgusGrpcOptions.Section;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ArgusGrpcOptions options)
    {
        List<string> failures = [];
        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"{Section}:Port must be a port number (is {options.Port}).");
        }
        else if (options.Port is { } port && http.Ports.Contains(port))
        {
            failures.Add($"{Section}:Port must differ from the HTTP API's port in Urls (both {port}): gRPC's port speaks HTTP/2 alone.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>The ports of the HTTP API's <c>Urls</c> as the host was built, before the gRPC addresses joined them.</summary>
internal sealed record HttpApiPorts(IReadOnlyList<int> Ports);
