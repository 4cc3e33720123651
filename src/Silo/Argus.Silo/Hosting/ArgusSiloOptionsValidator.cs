using System.Net;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Argus.Silo.Hosting;

/// <summary>Lists every problem with <see cref="ArgusSiloOptions"/> at start-up.</summary>
internal sealed class ArgusSiloOptionsValidator : IValidateOptions<ArgusSiloOptions>
{
    private const string Section = ArgusSiloOptions.Section;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ArgusSiloOptions options)
    {
        List<string> failures = [];
        if (string.IsNullOrWhiteSpace(options.Name) || options.Name.Contains('/'))
            failures.Add($"{Section}:Name must be non-empty and contain no '/' (is '{options.Name}').");
        if (options.SiloPort is < 1 or > 65535) failures.Add($"{Section}:SiloPort must be a port number (is {options.SiloPort}).");
        if (options.GatewayPort is < 1 or > 65535) failures.Add($"{Section}:GatewayPort must be a port number (is {options.GatewayPort}).");
        if (options.SiloListenPort is < 1 or > 65535) failures.Add($"{Section}:SiloListenPort must be a port number (is {options.SiloListenPort}).");
        if (options.SiloListenPort == options.GatewayPort) failures.Add($"{Section}: SiloListenPort and GatewayPort must differ (both {options.GatewayPort}).");
        if (options.SiloPort == options.GatewayPort) failures.Add($"{Section}: SiloPort and GatewayPort must differ (both {options.SiloPort}).");
        if (options.Kubernetes == true && string.IsNullOrWhiteSpace(options.Redis))
            failures.Add($"{Section}:Kubernetes needs Argus:Redis: Kubernetes hosting names the silo and its address, Redis holds the cluster's membership.");
        if (!string.IsNullOrWhiteSpace(options.Redis) && RedisProblem(options.Redis) is { } problem)
            failures.Add($"Argus:Redis must be a StackExchange.Redis configuration such as 127.0.0.1:6379 (is '{options.Redis}': {problem}).");
        if (!IPAddress.TryParse(options.AdvertisedAddress, out _))
            failures.Add($"{Section}:AdvertisedAddress must be an IP address (is '{options.AdvertisedAddress}').");
        if (options.ProbeTimeoutMs < 100) failures.Add($"{Section}:ProbeTimeoutMs must be at least 100 (is {options.ProbeTimeoutMs}).");
        if (options.MissedProbesLimit < 1) failures.Add($"{Section}:MissedProbesLimit must be at least 1 (is {options.MissedProbesLimit}).");
        if (options.MaxRequestBytes < 1024 || options.MaxRequestBytes > Array.MaxLength) // a body is read into one array
            failures.Add($"{Section}:MaxRequestBytes must be 1024 to {Array.MaxLength} (is {options.MaxRequestBytes}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Why StackExchange.Redis refuses the configuration string, or null when it parses.</summary>
    private static string? RedisProblem(string configuration)
    {
        try
        {
            ConfigurationOptions.Parse(configuration);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }
}
