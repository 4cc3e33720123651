using Argus.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Argus.Bench;

/// <summary>An SDK client in a host of its own, stopped gracefully when disposed.</summary>
internal sealed class ClientHost(IHost host) : IAsyncDisposable
{
    public IArgusClient Client { get; } = host.Services.GetRequiredService<IArgusClient>();

    /// <summary>Builds and starts the host with <paramref name="configure"/>'s client options.</summary>
    public static async Task<ClientHost> StartAsync(Action<ArgusClientOptions> configure, CancellationToken cancellationToken)
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
