using System.Diagnostics;
using System.Globalization;
using Argus.Testing;

namespace Argus.Bench.Soak;

/// <summary>
/// What a load balancer and an operator see of the silos: <c>/readyz</c> of each every second (1 s timeout; a silo is in
/// rotation while its last check passed), and every 10 s each silo's resident memory (VmRSS of its PID) and its devices'
/// busy time (<c>argus_device_busy_time_seconds_total</c> from <c>/metrics</c>).
/// </summary>
internal sealed class SoakHealth(SoakCluster cluster, Stopwatch clock) : IDisposable
{
    public static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(10);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(1) };
    private readonly List<SiloSample> _samples = [];
    private volatile int[] _ready = [];

    /// <summary>One silo at one sample: its incarnation, whether it was ready, its RSS, and its devices' busy seconds so far.</summary>
    internal sealed record SiloSample(double Seconds, int Slot, int Incarnation, int? Pid, bool Ready, double? RssMb, double? BusySeconds);

    /// <summary>The slots whose silo passed its last health check.</summary>
    public IReadOnlyList<int> Ready => _ready;

    public IReadOnlyList<SiloSample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        var next = TimeSpan.Zero;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            var checks = await Task.WhenAll(cluster.Slots.Select(CheckAsync));
            _ready = [.. checks.Where(c => c.Ready).Select(c => c.Slot)];
            if (clock.Elapsed >= next)
            {
                next = clock.Elapsed + SampleEvery;
                var now = clock.Elapsed.TotalSeconds;
                var samples = await Task.WhenAll(checks.Select(c => SampleAsync(now, c)));
                lock (_samples)
                {
                    _samples.AddRange(samples);
                }
            }
        }
        while (await Wait(timer, stop));
    }

    public void Dispose() => _http.Dispose();

    private static async Task<bool> Wait(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<(int Slot, SiloProcess? Silo, int Incarnation, bool Ready)> CheckAsync(SiloSlot slot)
    {
        var (silo, incarnation) = (slot.Silo, slot.Incarnation);
        if (silo is null || silo.ExitCode is not null)
        {
            return (slot.Index, null, incarnation, false);
        }

        try
        {
            using var response = await _http.GetAsync(new Uri(silo.BaseAddress, "readyz"));
            return (slot.Index, silo, incarnation, response.IsSuccessStatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (slot.Index, silo, incarnation, false);
        }
    }

    private async Task<SiloSample> SampleAsync(double seconds, (int Slot, SiloProcess? Silo, int Incarnation, bool Ready) check)
    {
        if (check.Silo is not { } silo)
        {
            return new SiloSample(seconds, check.Slot, check.Incarnation, null, false, null, null);
        }

        double? busy = null;
        if (check.Ready)
        {
            try
            {
                var metrics = PrometheusText.Parse(await _http.GetStringAsync(new Uri(silo.BaseAddress, "metrics")));
                busy = metrics.Where(s => s.Name == "argus_device_busy_time_seconds_total").Sum(s => s.Value);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // a busy or paused silo: no busy time this sample
            }
        }

        return new SiloSample(seconds, check.Slot, check.Incarnation, silo.Pid, check.Ready, RssMb(silo.Pid), busy);
    }

    /// <summary>VmRSS of process <paramref name="pid"/> in MiB, from /proc; null once it is gone.</summary>
    private static double? RssMb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
