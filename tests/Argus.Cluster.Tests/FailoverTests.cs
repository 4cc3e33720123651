using System.Collections.Concurrent;
using System.Diagnostics;
using Argus.Devices;
using Argus.Testing;
using Xunit.Abstractions;

namespace Argus.Cluster.Tests;

/// <summary>A silo killed with SIGKILL under steady load: the SDK's idempotent calls fail over and none is lost.</summary>
public sealed class FailoverTests(RedisClusterFixture cluster, ITestOutputHelper output) : IClassFixture<RedisClusterFixture>
{
    private sealed record Call(TimeSpan Started, TimeSpan Ended, string? Device, Exception? Error);

    [Fact]
    public async Task Killing_a_silo_under_load_loses_no_call_and_the_others_keep_serving()
    {
        await Eventually.HoldsAsync(async () => (await cluster.Client.GetDevicesAsync()).Count == RedisClusterFixture.SiloCount,
            TimeSpan.FromSeconds(30), "every device to report its load");
        var victim = cluster.Silos[^1];
        var image = TestData.Image("imageTextN.png");
        var clock = Stopwatch.StartNew();
        var calls = new ConcurrentBag<Call>();
        TimeSpan? killedAt = null;
        using var stop = new CancellationTokenSource();

        async Task Worker()
        {
            while (!stop.IsCancellationRequested)
            {
                var started = clock.Elapsed;
                try
                {
                    var response = await cluster.Client.InferAsync("text-direction", [InferenceInput.FromImage(image)], timeout: TimeSpan.FromSeconds(10));
                    calls.Add(new Call(started, clock.Elapsed, response.Device, response.Items[0].Error is { } e ? new Exception(e.Message) : null));
                }
                catch (Exception e)
                {
                    calls.Add(new Call(started, clock.Elapsed, null, e));
                }
            }
        }

        var workers = Enumerable.Range(0, 6).Select(_ => Task.Run(Worker)).ToArray();
        await Eventually.HoldsAsync(() => Task.FromResult(calls.Any(c => c.Device?.StartsWith(victim.Name + "/") == true)),
            TimeSpan.FromSeconds(30), $"calls to land on {victim.Name}");

        killedAt = clock.Elapsed;
        victim.Kill();
        await Eventually.HoldsAsync(async () => !(await cluster.Client.GetDevicesAsync()).Any(d => d.Silo == victim.Name),
            TimeSpan.FromSeconds(30), $"{victim.Name} to leave the routing table");
        var leftTableAfter = clock.Elapsed - killedAt.Value;
        var afterTable = clock.Elapsed;
        await Eventually.HoldsAsync(() => Task.FromResult(calls.Count(c => c.Started > afterTable) >= 20), TimeSpan.FromSeconds(30), "20 more calls");
        stop.Cancel();
        await Task.WhenAll(workers);

        var all = calls.ToArray();
        var inFlightAtKill = all.Where(c => c.Started < killedAt && c.Ended > killedAt).ToArray();
        var firstSuccessAfterKill = all.Where(c => c.Error is null && c.Started > killedAt).Min(c => c.Ended) - killedAt.Value;
        output.WriteLine($"{all.Length} calls; {inFlightAtKill.Length} in flight at the kill, the last answered " +
            $"{(inFlightAtKill.Length == 0 ? 0 : (inFlightAtKill.Max(c => c.Ended) - killedAt.Value).TotalMilliseconds):F0} ms after it; " +
            $"first success of a call started after the kill: {firstSuccessAfterKill.TotalMilliseconds:F0} ms; " +
            $"{victim.Name} left the routing table after {leftTableAfter.TotalMilliseconds:F0} ms.");

        Assert.All(all, c => Assert.True(c.Error is null, $"a call failed: {c.Error}"));
        Assert.All(all.Where(c => c.Started > afterTable), c => Assert.DoesNotContain(victim.Name + "/", c.Device));
        var survivors = all.Where(c => c.Started > afterTable).Select(c => c.Device).Distinct().Count();
        Assert.Equal(RedisClusterFixture.SiloCount - 1, survivors);
    }
}
