using System.Diagnostics;
using Argus.Client;
using Argus.LoadTesting.Targets;

namespace Argus.Bench.Soak;

/// <summary>
/// The interactive load: Poisson arrivals at <see cref="BaseRate"/> per second, half over HTTP (to a silo the health
/// checks hold ready, round robin, as a load balancer would) and half through the SDK (routed by the cluster), with a short
/// burst of 3× every 30 s and the schedule's 5× burst. Every call is recorded; an arrival beyond
/// <see cref="MaxOutstanding"/> calls in flight is dropped by the caller and counted.
/// </summary>
internal sealed class SoakLoad(SoakCluster cluster, SoakHealth health, IArgusClient client, ImageSet images, string model, Random random, Stopwatch clock)
{
    /// <summary>Calls per second outside bursts.</summary>
    public const double BaseRate = 8;

    /// <summary>The short bursts: every <see cref="BurstEvery"/>, <see cref="BurstLength"/> at <see cref="BurstFactor"/>×.</summary>
    public const double BurstFactor = 3;

    public const int MaxOutstanding = 512;
    public static readonly TimeSpan BurstEvery = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan BurstLength = TimeSpan.FromSeconds(5);

    private readonly List<Call> _calls = [];
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }) { Timeout = Timeout.InfiniteTimeSpan };
    private int _outstanding;
    private long _dropped;
    private int _next;

    /// <summary>The big burst's factor over the base rate, while one is on (set by the fault schedule); 1 otherwise.</summary>
    public double Surge { get; set; } = 1;

    /// <summary>Arrivals dropped by the caller for too many in flight.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The calls so far, in the order they ended.</summary>
    public IReadOnlyList<Call> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>The offered rate at <paramref name="seconds"/> into the load.</summary>
    public double RateAt(double seconds) =>
        BaseRate * Math.Max(Surge, seconds % BurstEvery.TotalSeconds < BurstLength.TotalSeconds ? BurstFactor : 1);

    /// <summary>Sends calls until <paramref name="stop"/>, then waits for the last ones to end.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var pending = new List<Task>();
        var next = clock.Elapsed.TotalSeconds;
        while (!stop.IsCancellationRequested)
        {
            next += -Math.Log(1 - random.NextDouble()) / RateAt(next);
            var wait = TimeSpan.FromSeconds(next) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            if (Interlocked.Increment(ref _outstanding) > MaxOutstanding)
            {
                Interlocked.Decrement(ref _outstanding);
                Interlocked.Increment(ref _dropped);
                continue;
            }

            var image = images.All[random.Next(images.All.Count)].Data;
            pending.Add(random.Next(2) == 0 ? SendHttpAsync(image) : SendSdkAsync(image));
            pending.RemoveAll(t => t.IsCompleted);
        }

        await Task.WhenAll(pending);
        _http.Dispose();
    }

    private async Task SendHttpAsync(byte[] image)
    {
        var start = clock.Elapsed;
        var ready = health.Ready;
        if (ready.Count == 0)
        {
            Record(new Call(start.TotalSeconds, 0, "http", Outcome.Unavailable, "503 balancer: no silo passes its health check", null));
            return;
        }

        var slot = ready[(int)((uint)Interlocked.Increment(ref _next) % ready.Count)];
        var silo = cluster.Slots[slot].Silo;
        if (silo is null)
        {
            Record(new Call(start.TotalSeconds, 0, "http", Outcome.Unavailable, "503 balancer: the silo it picked just left", slot));
            return;
        }

        var (outcome, detail) = await SoakCalls.HttpAsync(_http, silo.BaseAddress, model, image);
        Record(new Call(start.TotalSeconds, (clock.Elapsed - start).TotalMilliseconds, "http", outcome, detail, slot));
    }

    private async Task SendSdkAsync(byte[] image)
    {
        var start = clock.Elapsed;
        var (outcome, detail) = await SoakCalls.SdkAsync(client, model, image);
        Record(new Call(start.TotalSeconds, (clock.Elapsed - start).TotalMilliseconds, "sdk", outcome, detail, null));
    }

    private void Record(Call call)
    {
        Interlocked.Decrement(ref _outstanding);
        lock (_calls)
        {
            _calls.Add(call);
        }
    }
}
