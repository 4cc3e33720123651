using Argus.Testing;

namespace Argus.Cluster.Tests.Jobs;

/// <summary>A class fixture: one silo process (in-memory storage and reminders) with <see cref="Settings"/>, and a client of it.</summary>
public abstract class OneSilo : IAsyncLifetime
{
    private SiloProcess? _silo;
    private ClientHost? _client;

    public IClusterClient Orleans => _client!.Orleans;

    /// <summary>The silo's name.</summary>
    protected abstract string Name { get; }

    /// <summary>The silo's settings, as environment variables.</summary>
    protected abstract Dictionary<string, string> Settings { get; }

    public async Task InitializeAsync()
    {
        _silo = await SiloProcess.StartAsync(Name, Settings);
        _client = await ClientHost.StartAsync(o => o.Gateways = [$"127.0.0.1:{_silo.GatewayPort}"]);
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}
