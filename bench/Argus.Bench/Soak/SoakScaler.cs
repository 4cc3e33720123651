using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Argus.LocalCluster;
using Argus.Scaling;

namespace Argus.Bench.Soak;

/// <summary>
/// The cluster's autoscaler followed as Kubernetes would follow it: every <see cref="Interval"/> the decision is read
/// from <c>GET /v1/autoscale</c> of a ready silo, and the spare slot's silo is started while the autoscaler asks for more
/// silos than the fixed ones, and drained (SIGTERM) once it asks for no more than them. The fixed slots are the fault
/// schedule's; the silos are told <see cref="SoakCluster.MinSilos"/> and <see cref="SoakCluster.MaxSilos"/>.
/// </summary>
internal sealed class SoakScaler(SoakCluster cluster, SoakHealth health, Stopwatch clock, Action<string> log) : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>A decision older than this when read means the autoscaler stopped deciding.</summary>
    public static readonly TimeSpan Stale = TimeSpan.FromSeconds(10);

    /// <summary>How long a drained silo may take to exit: its drain (60 s at most) and its shutdown.</summary>
    private static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(90);

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly List<Sample> _samples = [];
    private readonly List<Change> _changes = [];
    private Task _changing = Task.CompletedTask;

    /// <summary>One reading: the decision, or null when no ready silo answered; its age when read.</summary>
    internal sealed record Sample(double Seconds, AutoscaleStatus? Status, double? AgeSeconds);

    /// <summary>The spare silo started (<paramref name="Up"/>) or drained, and how it went.</summary>
    internal sealed record Change(double Seconds, bool Up, bool Done, string Note);

    public IReadOnlyList<Sample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    public IReadOnlyList<Change> Changes
    {
        get
        {
            lock (_changes)
            {
                return [.. _changes];
            }
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var status = await ReadAsync();
                lock (_samples)
                {
                    _samples.Add(new Sample(clock.Elapsed.TotalSeconds, status, status is null ? null : (DateTimeOffset.UtcNow - status.At).TotalSeconds));
                }

                if (status is null || !_changing.IsCompleted)
                {
                    continue;
                }

                var spare = cluster.Spare;
                var wanted = status.Desired > SoakBench.Silos;
                if (wanted && spare.Silo is null)
                {
                    _changing = StartAsync(spare, status);
                }
                else if (!wanted && spare.Silo is not null)
                {
                    _changing = DrainAsync(spare, status);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the run is over
        }

        await _changing; // a start or drain under way ends before the cluster is stopped
    }

    public void Dispose() => _http.Dispose();

    private async Task<AutoscaleStatus?> ReadAsync()
    {
        foreach (var slot in health.Ready)
        {
            if (cluster.Slots[slot].Silo is not { } silo)
            {
                continue;
            }

            try
            {
                return await _http.GetFromJsonAsync<AutoscaleStatus>(new Uri(silo.BaseAddress, "v1/autoscale"), LocalAutoscaler.Json);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // that silo is busy or going; ask the next
            }
        }

        return null;
    }

    private async Task StartAsync(SiloSlot spare, AutoscaleStatus status)
    {
        var at = clock.Elapsed.TotalSeconds;
        log(string.Create(CultureInfo.InvariantCulture, $"autoscaler wants {status.Desired} silos ({status.Reason}); starting {spare.Name}"));
        var watch = Stopwatch.StartNew();
        try
        {
            await cluster.StartAsync(spare);
            Record(new Change(at, Up: true, Done: true, string.Create(CultureInfo.InvariantCulture,
                $"wanted {status.Desired} ({status.AverageInFlight:F1} in flight): {spare.Name} (PID {spare.Silo?.Pid}) ready in {watch.Elapsed.TotalSeconds:F0} s")));
        }
        catch (Exception e)
        {
            Record(new Change(at, Up: true, Done: false, $"wanted {status.Desired}: {spare.Name} did not start: {e.Message}"));
        }
    }

    private async Task DrainAsync(SiloSlot spare, AutoscaleStatus status)
    {
        var at = clock.Elapsed.TotalSeconds;
        log(string.Create(CultureInfo.InvariantCulture, $"autoscaler wants {status.Desired} silos ({status.Reason}); draining {spare.Name}"));
        var silo = spare.Retire();
        var watch = Stopwatch.StartNew();
        silo.Terminate();
        using var bound = new CancellationTokenSource(DrainBound);
        try
        {
            await silo.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            silo.Kill();
            await silo.WaitForExitAsync();
            Record(new Change(at, Up: false, Done: false, string.Create(CultureInfo.InvariantCulture,
                $"wanted {status.Desired}: SIGTERM to {spare.Name} (PID {silo.Pid}) did not end it within {DrainBound.TotalSeconds:G} s; killed")));
            return;
        }

        Record(new Change(at, Up: false, Done: silo.ExitCode == 0, string.Create(CultureInfo.InvariantCulture,
            $"wanted {status.Desired} ({status.AverageInFlight:F1} in flight): SIGTERM to {spare.Name} (PID {silo.Pid}), drained and exited {silo.ExitCode} in {watch.Elapsed.TotalSeconds:F1} s")));
    }

    private void Record(Change change)
    {
        log(change.Note);
        lock (_changes)
        {
            _changes.Add(change);
        }
    }
}
