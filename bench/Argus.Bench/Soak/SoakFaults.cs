using System.Diagnostics;
using System.Globalization;

namespace Argus.Bench.Soak;

/// <summary>What a fault does.</summary>
internal enum FaultKind
{
    /// <summary><c>kill -9</c> of a silo, started again 5 s later.</summary>
    KillSilo,

    /// <summary>SIGTERM of a silo: it drains and exits; started again once it has.</summary>
    DrainSilo,

    /// <summary>SIGSTOP of a silo for 20 s, then SIGCONT: a hung silo, the case membership probes exist for.</summary>
    HangSilo,

    /// <summary>Redis stopped (SIGTERM) and started again on its append-only file.</summary>
    RestartRedis,

    /// <summary>SIGSTOP of Redis for 10 s, then SIGCONT.</summary>
    PauseRedis,

    /// <summary>The job's output folder (a tmpfs of its own) filled to the last byte for a while.</summary>
    DiskFull,

    /// <summary>The HTTP MJPEG stream's server (ffmpeg) stopped for 15 s, then started again.</summary>
    StreamDown,

    /// <summary>One silo cut off from the other silos' connections for 15 s.</summary>
    Partition,

    /// <summary>The interactive load at 5× for 60 s (less in a short run).</summary>
    Burst,
}

/// <summary>One fault of the schedule: when it starts, how long it lasts, what it hits; once run, what happened.</summary>
internal sealed class Fault(FaultKind Kind, double Start, double Duration, int? Slot)
{
    public FaultKind Kind { get; } = Kind;

    public double Start { get; } = Start;

    public double Duration { get; } = Duration;

    /// <summary>The silo slot it hits, for a silo fault: drawn, or the next one up when the drawn one is still restarting.</summary>
    public int? Slot { get; set; } = Slot;

    /// <summary>When it was lifted (seconds into the load): the silo ready again, the process resumed, the space freed.</summary>
    public double? End { get; set; }

    /// <summary>Why it did not run, when it could not here (no root for a mount, say).</summary>
    public string? Skipped { get; set; }

    /// <summary>What was done, in words, for the report.</summary>
    public string Note { get; set; } = "";

    /// <summary>Whether it may have hurt calls routed to <paramref name="slot"/> (or any, for a cluster-wide fault).</summary>
    public bool Touches(int? slot) => Kind switch
    {
        FaultKind.KillSilo or FaultKind.DrainSilo or FaultKind.HangSilo or FaultKind.Partition => slot is null || slot == Slot,
        FaultKind.RestartRedis or FaultKind.PauseRedis => true,
        _ => false,
    };

    public string Target => Slot is { } s ? $"soak-{s}" : Kind switch
    {
        FaultKind.RestartRedis or FaultKind.PauseRedis => "redis",
        FaultKind.DiskFull => "job output",
        FaultKind.StreamDown => "camera stream",
        _ => "cluster",
    };
}

/// <summary>A silo that exited without a fault asking, when it was found gone, and what became of it.</summary>
internal sealed record SiloExit(double Seconds, int Slot, string Description);

/// <summary>The fault schedule: every kind once, in an order and at times drawn from the seed.</summary>
internal static class SoakSchedule
{
    /// <summary>
    /// The faults of a load of <paramref name="length"/> over <paramref name="silos"/> silos: each kind once, shuffled by
    /// <paramref name="seed"/>, one per equal slot of the time from 10 % to 75 % of the run (so the last has time to heal
    /// before the end), at a drawn point of the slot's first fifth; each silo fault on a silo other than the previous one's.
    /// </summary>
    public static IReadOnlyList<Fault> Draw(int seed, TimeSpan length, int silos)
    {
        var random = new Random(seed);
        var kinds = Enum.GetValues<FaultKind>();
        random.Shuffle(kinds);
        var (from, to) = (length.TotalSeconds * 0.10, length.TotalSeconds * 0.75);
        var slot = (to - from) / kinds.Length;
        int? last = null;
        List<Fault> faults = [];
        foreach (var (kind, i) in kinds.Select((k, i) => (k, i)))
        {
            int? target = null;
            if (kind is FaultKind.KillSilo or FaultKind.DrainSilo or FaultKind.HangSilo or FaultKind.Partition)
            {
                var choices = Enumerable.Range(0, silos).Where(s => s != last).ToArray();
                target = last = choices[random.Next(choices.Length)];
            }

            faults.Add(new Fault(kind, Math.Round(from + i * slot + random.NextDouble() * slot / 5, 1), Duration(kind, length), target));
        }

        return faults;
    }

    private static double Duration(FaultKind kind, TimeSpan length) => kind switch
    {
        FaultKind.KillSilo => 5,
        FaultKind.HangSilo => 20,
        FaultKind.PauseRedis => 10,
        FaultKind.StreamDown or FaultKind.Partition => 15,
        FaultKind.DiskFull => Math.Clamp(length.TotalSeconds / 10, 15, 60),
        FaultKind.Burst => Math.Clamp(length.TotalSeconds / 6, 20, 60),
        _ => 0,
    };

    /// <summary>The schedule as the report's table rows.</summary>
    public static string Describe(Fault f) => string.Create(CultureInfo.InvariantCulture,
        $"| {f.Start:F0} | {f.Kind} | {f.Target} | {(f.Duration > 0 ? $"{f.Duration:G} s" : "–")} | {(f.Skipped is { } s ? $"skipped: {s}" : f.End is { } e ? $"lifted at {e:F0} s ({e - f.Start:F0} s after it began)" : "**not lifted**")} | {f.Note} |");
}

/// <summary>Runs the schedule against the cluster, each fault at its time, recording when each was lifted.</summary>
internal sealed class SoakFaults(SoakCluster cluster, SoakLoad load, StreamServer stream, JobOutputDisk disk, Stopwatch clock, Action<string> log)
{
    private readonly List<SiloExit> _exits = [];
    private readonly HashSet<int> _hit = [];

    /// <summary>Silos that exited without a fault asking (a silo declared dead leaves), each started again.</summary>
    public IReadOnlyList<SiloExit> Exits
    {
        get
        {
            lock (_exits)
            {
                return [.. _exits];
            }
        }
    }

    /// <summary>
    /// Starts again, as Kubernetes restarts a pod, every silo that exited on its own: one the cluster declared dead (after a
    /// hang or a partition) learns so and leaves. Runs until <paramref name="stop"/>.
    /// </summary>
    public async Task SuperviseAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                foreach (var slot in cluster.Slots.Where(s => s.Silo?.ExitCode is not null))
                {
                    var silo = slot.Retire();
                    var seconds = clock.Elapsed.TotalSeconds;
                    var line = string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:F0} s: {slot.Name} (PID {silo.Pid}) exited with {silo.ExitCode}");
                    log(line + "; starting it again");
                    var watch = Stopwatch.StartNew();
                    await cluster.StartAsync(slot);
                    lock (_exits)
                    {
                        _exits.Add(new SiloExit(seconds, slot.Index, string.Create(CultureInfo.InvariantCulture, $"{line}; started again, ready in {watch.Elapsed.TotalSeconds:F0} s")));
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the run is over
        }
    }

    public async Task RunAsync(IReadOnlyList<Fault> schedule, CancellationToken stop)
    {
        var running = new List<Task>();
        foreach (var fault in schedule.OrderBy(f => f.Start))
        {
            var wait = TimeSpan.FromSeconds(fault.Start) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, stop);
            }

            running.Add(RunOneAsync(fault));
        }

        await Task.WhenAll(running);
    }

    private async Task RunOneAsync(Fault fault)
    {
        log($"fault: {fault.Kind} on {fault.Target} for {fault.Duration:G} s");
        try
        {
            await AimAndInjectAsync(fault);
        }
        catch (Exception e)
        {
            fault.Note += $" failed to inject: {SoakCalls.Short(e.Message)}";
            log($"fault: {fault.Kind} failed: {e}");
        }

        log($"fault: {fault.Kind} on {fault.Target} {(fault.Skipped is { } s ? $"skipped: {s}" : fault.End is { } end ? $"lifted at {end:F0} s" : "not lifted")}");
    }

    private async Task AimAndInjectAsync(Fault fault)
    {
        var hold = TimeSpan.FromSeconds(fault.Duration);
        if (fault.Slot is { } drawn && !Free(drawn))
        {
            // The drawn silo is still starting again after an earlier fault (a minute under load here), or under one now:
            // the next free one of the fixed slots (the spare is the autoscaler's) takes the fault, so that each kind still runs once.
            var free = Enumerable.Range(0, SoakBench.Silos).Select(i => (i + drawn) % SoakBench.Silos).FirstOrDefault(Free, -1);
            if (free < 0)
            {
                fault.Skipped = "no silo was up and free of other faults";
                return;
            }

            fault.Note = $"soak-{drawn} was down or under another fault, so soak-{free} took it; ";
            fault.Slot = free;
        }

        if (fault.Slot is { } slot)
        {
            lock (_hit)
            {
                _hit.Add(slot);
            }
        }

        try
        {
            await InjectAsync(fault, hold);
        }
        finally
        {
            lock (_hit)
            {
                _hit.Remove(fault.Slot ?? -1);
            }
        }
    }

    /// <summary>Whether slot <paramref name="slot"/> has a silo and no fault on it now.</summary>
    private bool Free(int slot)
    {
        lock (_hit)
        {
            return cluster.Slots[slot].Silo is not null && !_hit.Contains(slot);
        }
    }

    private async Task InjectAsync(Fault fault, TimeSpan hold)
    {

        switch (fault.Kind)
        {
            case FaultKind.KillSilo:
            {
                var slot = cluster.Slots[fault.Slot!.Value];
                var silo = slot.Retire();
                silo.Kill();
                fault.Note += $"SIGKILL to PID {silo.Pid}";
                await Task.Delay(hold);
                await RestartAsync(fault, slot);
                break;
            }

            case FaultKind.DrainSilo:
            {
                var slot = cluster.Slots[fault.Slot!.Value];
                var silo = slot.Retire();
                var watch = Stopwatch.StartNew();
                silo.Terminate();
                await silo.WaitForExitAsync();
                fault.Note += string.Create(CultureInfo.InvariantCulture, $"SIGTERM to PID {silo.Pid}: drained and exited {silo.ExitCode} in {watch.Elapsed.TotalSeconds:F1} s");
                await RestartAsync(fault, slot);
                break;
            }

            case FaultKind.HangSilo:
            {
                var silo = cluster.Slots[fault.Slot!.Value].Silo ?? throw new InvalidOperationException("the silo is down");
                Argus.LocalCluster.LocalSilo.Signal(silo.Pid, Signals.Stop);
                await Task.Delay(hold);
                Argus.LocalCluster.LocalSilo.Signal(silo.Pid, Signals.Continue);
                fault.End = clock.Elapsed.TotalSeconds;
                fault.Note += $"SIGSTOP, SIGCONT to PID {silo.Pid}";
                break;
            }

            case FaultKind.RestartRedis:
                await cluster.RestartRedisAsync();
                fault.End = clock.Elapsed.TotalSeconds;
                fault.Note = "SIGTERM, then redis-server again on its append-only file";
                break;

            case FaultKind.PauseRedis:
                Argus.LocalCluster.LocalSilo.Signal(cluster.RedisPid, Signals.Stop);
                await Task.Delay(hold);
                Argus.LocalCluster.LocalSilo.Signal(cluster.RedisPid, Signals.Continue);
                fault.End = clock.Elapsed.TotalSeconds;
                fault.Note = $"SIGSTOP, SIGCONT to PID {cluster.RedisPid}";
                break;

            case FaultKind.DiskFull:
                if (disk.Unavailable is { } why)
                {
                    fault.Skipped = why;
                    break;
                }

                try
                {
                    fault.Note = disk.Fill();
                    await Task.Delay(hold);
                }
                finally
                {
                    disk.Free();
                }

                fault.End = clock.Elapsed.TotalSeconds;
                break;

            case FaultKind.StreamDown:
                await stream.StopAsync();
                await Task.Delay(hold);
                stream.Start();
                fault.End = clock.Elapsed.TotalSeconds;
                fault.Note = "ffmpeg serving the stream killed, started again";
                break;

            case FaultKind.Partition:
            {
                var slot = cluster.Slots[fault.Slot!.Value];
                var silo = slot.Silo ?? throw new InvalidOperationException("the silo is down");
                var cut = cluster.Slots.Sum(s => s.Proxy?.Isolate(silo.Pid, all: s == slot) ?? 0);
                await Task.Delay(hold);
                foreach (var s in cluster.Slots)
                {
                    s.Proxy?.Heal();
                }

                fault.End = clock.Elapsed.TotalSeconds;
                fault.Note += $"{cut} silo-to-silo connections to and from PID {silo.Pid} cut at the proxies, new ones refused";
                break;
            }

            case FaultKind.Burst:
                load.Surge = 5;
                await Task.Delay(hold);
                load.Surge = 1;
                fault.End = clock.Elapsed.TotalSeconds;
                fault.Note = string.Create(CultureInfo.InvariantCulture, $"{SoakLoad.BaseRate * 5:G} calls/s offered");
                break;
        }
    }

    private async Task RestartAsync(Fault fault, SiloSlot slot)
    {
        var watch = Stopwatch.StartNew();
        await cluster.StartAsync(slot);
        fault.End = clock.Elapsed.TotalSeconds;
        fault.Note += string.Create(CultureInfo.InvariantCulture, $"; started again, ready in {watch.Elapsed.TotalSeconds:F0} s");
    }

    private static class Signals
    {
        public const int Stop = 19;
        public const int Continue = 18;
    }
}
