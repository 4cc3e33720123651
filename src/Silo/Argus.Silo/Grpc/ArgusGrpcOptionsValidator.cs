using Microsoft.Extensions.Options;

namespace Argus.Silo.Grpc;

/// <summary>Lists every problem with <see cref="ArgusGrpcOptions"/> at start-up.</summary>
internal sealed class ArgusGrpcOptionsValidator : IValidateOptions<ArgusGrpcOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ArgusGrpcOptions options) =>
        options.Port is < 1 or > 65535
            ? ValidateOptionsResult.Fail($"{ArgusGrpcOptions.Section}:Port must be a port number (is {options.Port}).")
            : ValidateOptionsResult.Success;
}
