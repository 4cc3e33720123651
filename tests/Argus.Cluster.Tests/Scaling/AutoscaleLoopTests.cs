using System.Collections.Concurrent;
using System.Diagnostics;
using Argus.Client;
using Argus.Devices;
using Argus.Errors;
using Argus.LocalCluster;
using Argus.Testing;
using Xunit.Abstractions;

namespace Argus.Cluster.Tests.Scaling;

/// <summary>
/// The loop closed on this machine: real redis-server, real silo processes with one simulated device each, started and
/// drained by <see cref="LocalAutoscaler"/> (what <c>argus autoscale dev</c> runs) as the cluster's autoscaler asks,
/// under load from the SDK. Short delays and a low target make it fast; every call is recorded.
/// </summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class AutoscaleLoopTests(ITestOutputHelper output)
{
    /// <summary>What a device answers when its silo stops under it (MicroBatcher's shutting-down refusal).</summary>
    private const string ShuttingDown = "The device is shutting down.";

    private enum Outcome
    {
        /// <summary>A result.</summary>
        Answered,

        /// <summary>Refused under load (a full queue, an unreachable deadline): expected while the cluster grows.</summary>
        LoadRefused,

        /// <summary>Refused by a stopping silo: routing sent it work although its silo was draining.</summary>
        DrainRefused,

        /// <summary>Anything else.</summary>
        Failed,
    }

    private sealed record Call(TimeSpan Started, string? Device, string? Error, Outcome Outcome)
    {
        public static Call Of(TimeSpan started, string? device, ErrorKind? kind, string? error) => new(started, device, error, (kind, error) switch
        {
            (_, null) => Outcome.Answered,
            (ErrorKind.Overloaded, ShuttingDown) => Outcome.DrainRefused,
            (ErrorKind.Overloaded, _) => Outcome.LoadRefused,
            _ => Outcome.Failed,
        });
    }

    [Fact]
    public async Task Load_adds_silos_and_its_end_drains_them_away_with_no_call_lost()
    {
        await using var redis = await RedisServer.StartAsync();
        var clock = Stopwatch.StartNew();
        var autoscaler = new LocalAutoscaler(new LocalAutoscalerOptions
        {
            SiloDll = SiloProcess.SiloDll(),
            Redis = redis.ConnectionString,
            MinSilos = 1,
            MaxSilos = 3,
            SimDevices = 1,
            SimProfile = "textbook",
            NamePrefix = "scale",
            Interval = TimeSpan.FromMilliseconds(250),
            StopGrace = TimeSpan.FromSeconds(30),
            Settings = new Dictionary<string, string>
            {
                // Two in flight per device: a few callers fill three silos without busying the cores.
                ["Argus__Autoscale__TargetInFlightPerDevice"] = "2",
                ["Argus__Autoscale__LookBackSeconds"] = "2",
                ["Argus__Autoscale__UpscaleDelaySeconds"] = "1",
                ["Argus__Autoscale__DownscaleDelaySeconds"] = "3",
                ["Argus__Autoscale__IntervalMs"] = "250",
                ["Argus__Autoscale__DrainTimeoutSeconds"] = "10",
            },
        });
        List<string> events = [];
        autoscaler.Changed += line =>
        {
            lock (events)
            {
                events.Add($"{clock.Elapsed.TotalSeconds,6:F1} s {line}");
            }
        };
        using var stop = new CancellationTokenSource();
        var run = autoscaler.RunAsync(stop.Token);
        var calls = new ConcurrentQueue<Call>();
        try
        {
            await Eventually.HoldsAsync(() => Task.FromResult(autoscaler.Running.Count == 1), TimeSpan.FromSeconds(60), "the first silo");
            await using var client = await ClientHost.StartAsync(o => o.Redis = redis.ConnectionString);
            var sdk = client.Client;
            var image = TestData.Image("imageTextN.png");

            // Eight callers hold up to eight items in flight: four silos' worth at two per device, so three (the maximum).
            await using (var heavy = new Callers(sdk, image, calls, clock, 8))
            {
                await Eventually.HoldsAsync(() => Task.FromResult(autoscaler.Running.Count == 3), TimeSpan.FromSeconds(90), "three silos under load");
                await Eventually.HoldsAsync(async () => (await sdk.GetDevicesAsync()).Select(d => d.Silo).Distinct().Count() == 3,
                    TimeSpan.FromSeconds(10), "every silo's device to take work");
                var before = calls.Count;
                await Eventually.HoldsAsync(() => Task.FromResult(calls.Count > before + 100), TimeSpan.FromSeconds(20), "calls on three silos");
            }

            // One caller keeps going while two silos drain away: its calls must not notice.
            await using (var light = new Callers(sdk, image, calls, clock, 1))
            {
                await Eventually.HoldsAsync(() => Task.FromResult(autoscaler.Running.Count == 1 && autoscaler.Stopping == 0), TimeSpan.FromSeconds(60),
                    "the cluster back at one silo");
                var before = calls.Count;
                await Eventually.HoldsAsync(() => Task.FromResult(calls.Count > before + 20), TimeSpan.FromSeconds(20), "calls on one silo");
            }
        }
        finally
        {
            await stop.CancelAsync();
            await run;
            lock (events)
            {
                output.WriteLine(string.Join('\n', events));
            }
        }

        var all = calls.ToArray();
        output.WriteLine($"{all.Length} calls in {clock.Elapsed.TotalSeconds:F0} s, " +
            string.Join(", ", all.GroupBy(c => c.Outcome).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}")) + ", devices: " +
            string.Join(", ", all.GroupBy(c => c.Device).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}")));
        // Load refusals are the admission control at work while silos start; a stopping silo must never be handed work.
        Assert.Empty(all.Where(c => c.Outcome is Outcome.DrainRefused or Outcome.Failed).Select(c => $"{c.Started.TotalSeconds:F1} s {c.Outcome}: {c.Error}"));
        Assert.Equal(3, all.Where(c => c.Outcome == Outcome.Answered).Select(c => c.Device!.Split('/')[0]).Distinct().Count());
        lock (events)
        {
            // Two drained by the scale-down, the last one when the autoscaler stopped: each exited cleanly.
            var exits = events.Where(e => e.Contains("exit code", StringComparison.Ordinal)).ToArray();
            Assert.Equal(3, exits.Length);
            Assert.All(exits, e => Assert.Contains("exit code 0", e));
        }
    }

    /// <summary>Callers that each send one image at a time until disposed, recording every call.</summary>
    private sealed class Callers : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task[] _workers;

        public Callers(IArgusClient sdk, byte[] image, ConcurrentQueue<Call> calls, Stopwatch clock, int count) =>
            _workers = [.. Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var started = clock.Elapsed;
                    try
                    {
                        var response = await sdk.InferAsync("text-direction", [InferenceInput.FromImage(image)], timeout: TimeSpan.FromSeconds(10));
                        var error = response.Items[0].Error;
                        calls.Enqueue(Call.Of(started, response.Device, error?.Kind, error?.Message));
                    }
                    catch (OverloadedException e)
                    {
                        calls.Enqueue(Call.Of(started, null, ErrorKind.Overloaded, e.Message));
                    }
                    catch (Exception e)
                    {
                        calls.Enqueue(Call.Of(started, null, null, e.ToString()));
                    }
                }
            }))];

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_workers);
            _stop.Dispose();
        }
    }
}
