using Argus.Jobs;
using Argus.Testing;

namespace Argus.Cluster.Tests.Jobs;

/// <summary>
/// A cluster for one job test: a redis-server with its append-only file on, three silo processes with short job
/// timings, and an Orleans client. It can be stopped whole and started again on the same Redis data.
/// </summary>
internal sealed class JobCluster : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _settings;
    private ClientHost? _client;

    private JobCluster(RedisServer redis, IReadOnlyDictionary<string, string>? settings)
    {
        Redis = redis;
        _settings = settings ?? new Dictionary<string, string>();
    }

    public RedisServer Redis { get; private set; }

    public List<SiloProcess> Silos { get; } = [];

    public IClusterClient Orleans => _client!.Orleans;

    public IBatchJobGrain Job(string id) => Orleans.GetGrain<IBatchJobGrain>(id);

    /// <summary>Starts the cluster; its silos get <paramref name="settings"/> (environment form) too.</summary>
    public static async Task<JobCluster> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var cluster = new JobCluster(await RedisServer.StartAsync(appendOnly: true), settings);
        try
        {
            await cluster.StartSilosAndClientAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Stops every silo (SIGTERM) and then Redis, and starts them all again; returns each stopped silo's exit code and
    /// what it logged.
    /// </summary>
    public async Task<IReadOnlyList<(string Name, int? ExitCode, string Log)>> RestartAllAsync()
    {
        await StopClientAsync();
        foreach (var silo in Silos)
        {
            silo.Terminate();
        }

        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            await Task.WhenAll(Silos.Select(s => s.WaitForExitAsync(timeout.Token)));
        }

        var stopped = Silos.Select(s => (s.Name, s.ExitCode, s.Log)).ToList();
        await Task.WhenAll(Silos.Select(s => s.DisposeAsync().AsTask()));
        Silos.Clear();
        Redis = await Redis.RestartAsync();
        await StartSilosAndClientAsync();
        return stopped;
    }

    /// <summary>Waits until the job's status satisfies <paramref name="condition"/>, riding out calls lost with a killed silo.</summary>
    public async Task<JobStatus> WaitForAsync(string job, Func<JobStatus, bool> condition, TimeSpan timeout, string what)
    {
        JobStatus? last = null;
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                last = await Job(job).GetStatusAsync();
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                return false; // sent to a silo that just died; the job comes back on another
            }

            if (last.State == JobState.Failed)
            {
                throw new InvalidOperationException($"Job {job} failed: {last.Error}");
            }

            return condition(last);
        }, timeout, $"{what} (last status: {last})");
        return last!;
    }

    public async ValueTask DisposeAsync()
    {
        await StopClientAsync();
        await Task.WhenAll(Silos.Select(s => s.DisposeAsync().AsTask()));
        await Redis.DisposeAsync();
    }

    private async Task StartSilosAndClientAsync()
    {
        var settings = new Dictionary<string, string>
        {
            ["Argus__Redis"] = Redis.ConnectionString,
            ["Argus__Jobs__LeaseSeconds"] = "3",
            ["Argus__Jobs__TickMs"] = "200",
            ["Argus__Jobs__ReminderSeconds"] = "2",
            ["Logging__LogLevel__Argus.Grains.Scaling.SiloDrain"] = "Information",
        };
        foreach (var (key, value) in _settings)
        {
            settings[key] = value;
        }

        var starts = Enumerable.Range(0, 3).Select(i => SiloProcess.StartAsync($"silo-{i}", settings, TimeSpan.FromMinutes(2))).ToArray();
        try
        {
            await Task.WhenAll(starts);
        }
        finally
        {
            Silos.AddRange(starts.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
        }

        _client = await ClientHost.StartAsync(o => o.Redis = Redis.ConnectionString);
    }

    private async Task StopClientAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
            _client = null;
        }
    }
}
