using System.Globalization;
using Argus.Testing;

namespace Argus.Bench.Soak;

/// <summary>
/// The soak's cluster on this machine: a redis-server with an append-only file (a restart keeps membership, grain state
/// and jobs) and a fixed set of silo slots, each a silo process that the fault schedule kills, stops, pauses and
/// restarts by its PID. Slot 0 serves on the real CPU, the others on one simulated device each. One more slot, the spare,
/// is for the autoscaler (<see cref="SoakScaler"/>): down at the start, up while the cluster's autoscaler asks for it.
/// </summary>
internal sealed class SoakCluster : IAsyncDisposable
{
    /// <summary>The autoscaler's bounds: the fixed slots, and the spare on top.</summary>
    public const int MinSilos = SoakBench.Silos, MaxSilos = SoakBench.Silos + 1;

    /// <summary>
    /// In-flight items per device the autoscaler aims at: a sixteenth of the default (8), because this load is small for
    /// its devices. Even so, the load asks for the spare only when a burst meets a fault: at 1 per device a 30-minute run
    /// peaked at 3.2 items in flight across the three devices (3.3 asks); at 0.5 a 3-minute run's burst, on top of a
    /// silo starting again, asked for it and the lull after it let it go.
    /// </summary>
    public const double TargetInFlightPerDevice = 0.5;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private readonly string _siloDll;
    private readonly string _logs;
    private readonly SiloSlot[] _slots;
    private RedisServer _redis;

    private SoakCluster(RedisServer redis, string siloDll, string logs)
    {
        _redis = redis;
        _siloDll = siloDll;
        _logs = logs;
        _slots = [.. Enumerable.Range(0, MaxSilos).Select(i => new SiloSlot(i, $"soak-{i}"))];
    }

    /// <summary>The silo slots, in order: the fixed ones, then the spare.</summary>
    public IReadOnlyList<SiloSlot> Slots => _slots;

    /// <summary>The slot the autoscaler fills.</summary>
    public SiloSlot Spare => _slots[^1];

    /// <summary>The Redis the silos and clients use.</summary>
    public string Redis => _redis.ConnectionString;

    /// <summary>Redis' process id, for a pause.</summary>
    public int RedisPid => _redis.Pid;

    /// <summary>Starts Redis and the fixed slots' silos, and waits until each is ready.</summary>
    public static async Task<SoakCluster> StartAsync(string siloDll, string logs)
    {
        Directory.CreateDirectory(logs);
        var cluster = new SoakCluster(await RedisServer.StartAsync(appendOnly: true), siloDll, logs);
        try
        {
            await Task.WhenAll(cluster._slots[..MinSilos].Select(cluster.StartAsync));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the slot's silo (again), keeping the log of the one before it.</summary>
    public async Task StartAsync(SiloSlot slot)
    {
        var settings = new Dictionary<string, string>
        {
            ["Argus__Redis"] = _redis.ConnectionString,
            ["Argus__Inference__SilosPerNode"] = _slots.Length.ToString(CultureInfo.InvariantCulture),
            // The textbook GPU takes batches of 8 within 10 ms, as a GPU would serve interactive calls.
            ["Argus__Inference__Models__0__Batching__MaxBatchSize"] = "8",
            ["Argus__Inference__Models__0__Batching__MaxDelayMs"] = slot.Index == 0 ? "0" : "10",
            ["Argus__Autoscale__MinSilos"] = MinSilos.ToString(CultureInfo.InvariantCulture),
            ["Argus__Autoscale__MaxSilos"] = MaxSilos.ToString(CultureInfo.InvariantCulture),
            ["Argus__Autoscale__TargetInFlightPerDevice"] = TargetInFlightPerDevice.ToString(CultureInfo.InvariantCulture),
        };
        if (slot.Index > 0)
        {
            settings["Argus__Inference__Sim__Devices"] = "1";
        }

        // Other silos reach it through a proxy of its own, which the partition fault cuts.
        var proxy = new SiloProxy();
        settings["Argus__Silo__SiloPort"] = proxy.Port.ToString(CultureInfo.InvariantCulture);
        settings["Argus__Silo__SiloListenPort"] = proxy.Target.ToString(CultureInfo.InvariantCulture);
        try
        {
            slot.Started(await SiloProcess.StartAsync(slot.Name, settings, StartTimeout, _siloDll), proxy);
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops Redis with SIGTERM (it finishes its append-only file) and starts it again on the same port and folder.</summary>
    public async Task RestartRedisAsync() => _redis = await _redis.RestartAsync();

    /// <summary>Stops every silo (SIGTERM, then a kill), then Redis, and keeps each silo's log.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(_slots.Select(s => s.StopAsync(_logs)));
        }
        finally
        {
            // Redis is stopped even when a silo's stop or its log fails: a soak must leave no process behind.
            await _redis.DisposeAsync();
        }
    }

    /// <summary>Writes the silos' logs so far (each incarnation's) into the logs folder.</summary>
    public void SaveLogs()
    {
        foreach (var slot in _slots)
        {
            slot.SaveLog(_logs);
        }
    }
}

/// <summary>One silo of the soak and its incarnations: the process now in it, if any, and every one before.</summary>
internal sealed class SiloSlot(int index, string name)
{
    private readonly List<SiloProcess> _retired = [];
    private readonly List<SiloProxy> _proxies = [];

    public int Index { get; } = index;

    public string Name { get; } = name;

    /// <summary>The silo process now in the slot; null while it is down (killed, drained, or restarting).</summary>
    public SiloProcess? Silo { get; private set; }

    /// <summary>The proxy in front of <see cref="Silo"/>'s silo-to-silo port.</summary>
    public SiloProxy? Proxy => _proxies.Count > 0 ? _proxies[^1] : null;

    /// <summary>Incarnations so far: 1 for a silo never restarted.</summary>
    public int Incarnation { get; private set; }

    public void Started(SiloProcess silo, SiloProxy proxy)
    {
        Silo = silo;
        _proxies.Add(proxy);
        Incarnation++;
    }

    /// <summary>Takes the process out of the slot (it was killed or exits) and returns it.</summary>
    public SiloProcess Retire()
    {
        var silo = Silo ?? throw new InvalidOperationException($"{Name} has no silo to retire.");
        Silo = null;
        _retired.Add(silo);
        return silo;
    }

    public async Task StopAsync(string logs)
    {
        if (Silo is { } silo)
        {
            await silo.DisposeAsync();
        }

        foreach (var proxy in _proxies)
        {
            await proxy.DisposeAsync();
        }

        SaveLog(logs);
    }

    public void SaveLog(string logs)
    {
        var all = _retired.Concat(Silo is { } s ? [s] : []).Select((s, i) => $"===== {Name} incarnation {i + 1}, PID {s.Pid}, exit {s.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-"}\n{s.Log}");
        File.WriteAllText(Path.Combine(logs, $"{Name}.log"), string.Join("\n", all));
    }
}
