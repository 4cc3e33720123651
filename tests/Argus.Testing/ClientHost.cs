using Argus.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Argus.Testing;

/// <summary>An SDK client in a host of its own, stopped gracefully when disposed.</summary>
public sealed class ClientHost(IHost host) : IAsyncDisposable
{
    /// <summary>The SDK.</summary>
    public IArgusClient Client { get; } = host.Services.GetRequiredService<IArgusClient>();

    /// <summary>The Orleans client under the SDK, for grains the SDK does not wrap.</summary>
    public IClusterClient Orleans { get; } = host.Services.GetRequiredService<IClusterClient>();

    /// <summary>A service of the client's host.</summary>
    public T GetRequiredService<T>() where T : notnull => host.Services.GetRequiredService<T>();

    /// <summary>Builds and starts the host with <paramref name="configure"/>'s client options.</summary>
    public static async Task<ClientHost> StartAsync(Action<ArgusClientOptions> configure, CancellationToken cancellationToken = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddArgusClient(configure);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new ClientHost(host);
    }

    /// <summary>Stops the host, waiting at most 5 s.</summary>
    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await host.StopAsync(grace.Token);
        }
        finally
        {
            host.Dispose();
        }
    }
}
