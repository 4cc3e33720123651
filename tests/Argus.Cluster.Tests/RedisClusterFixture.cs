using Argus.Client;
using Argus.Testing;

namespace Argus.Cluster.Tests;

/// <summary>A real cluster: one redis-server and three silo processes, and an SDK client that finds them through Redis.</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    public const int SiloCount = 3;

    /// <summary>
    /// The test classes that start clusters run one after another: three clusters of three silos at once would only
    /// measure a 2-core machine's contention.
    /// </summary>
    public const string Collection = "redis-clusters";

    private ClientHost? _client;

    public RedisServer? Redis { get; private set; }

    public List<SiloProcess> Silos { get; } = [];

    public IArgusClient Client => _client!.Client;

    public IClusterClient Orleans => _client!.Orleans;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["Argus__Redis"] = Redis.ConnectionString,
            // A silo's door keeps a call local only while its device is idle, so calls cross silos and meet their losses.
            ["Argus__Routing__LocalWaitLimitMs"] = "0",
        };
        var starts = Enumerable.Range(0, SiloCount).Select(i => SiloProcess.StartAsync($"silo-{i}", settings, TimeSpan.FromMinutes(2))).ToArray();
        try
        {
            Silos.AddRange(await Task.WhenAll(starts));
        }
        finally
        {
            // A silo that did start is stopped even when another did not.
            foreach (var start in starts.Where(s => s.IsCompletedSuccessfully && !Silos.Contains(s.Result)))
            {
                Silos.Add(start.Result);
            }
        }

        _client = await ClientHost.StartAsync(o => o.Redis = Redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        await Task.WhenAll(Silos.Select(s => s.DisposeAsync().AsTask()));
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}
