using System.Collections.Concurrent;
using System.Diagnostics;
using Argus.Devices;
using Argus.Testing;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace Argus.Cluster.Tests;

/// <summary>Steady load through the SDK's routed calls, every call recorded.</summary>
internal sealed class SteadyLoad(RedisClusterFixture cluster, int workers = 6) : IAsyncDisposable
{
    public sealed record Call(TimeSpan Started, TimeSpan Ended, string? Device, Exception? Error);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentBag<Call> _calls = [];
    private readonly CancellationTokenSource _stop = new();
    private Task[] _workers = [];

    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyCollection<Call> Calls => _calls;

    public async Task StartAsync()
    {
        await Eventually.HoldsAsync(async () => (await cluster.Client.GetDevicesAsync()).Count == RedisClusterFixture.SiloCount,
            TimeSpan.FromSeconds(30), "every device to report its load");
        var image = TestData.Image("imageTextN.png");
        _workers = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var started = Now;
                try
                {
                    var response = await cluster.Client.InferAsync("text-direction", [InferenceInput.FromImage(image)], timeout: TimeSpan.FromSeconds(10));
                    _calls.Add(new Call(started, Now, response.Device, response.Items[0].Error is { } e ? new Exception(e.Message) : null));
                }
                catch (Exception e)
                {
                    _calls.Add(new Call(started, Now, null, e));
                }
            }
        }))];
    }

    public Task WaitForCallsAsync(Func<Call, bool> which, int count, string what) =>
        Eventually.HoldsAsync(() => Task.FromResult(_calls.Count(which) >= count), TimeSpan.FromSeconds(30), what);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_workers);
        _stop.Dispose();
    }
}

/// <summary>A silo killed with SIGKILL under steady load: the SDK's idempotent calls fail over and none is lost.</summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class FailoverTests(RedisClusterFixture cluster, ITestOutputHelper output) : IClassFixture<RedisClusterFixture>
{
    [Fact]
    public async Task Killing_a_silo_under_load_loses_no_call_and_the_others_keep_serving()
    {
        var load = new SteadyLoad(cluster);
        await load.StartAsync();

        // The hardest silo to lose: the one holding the routing table's grain.
        var directory = cluster.Orleans.GetGrain<IDeviceDirectoryGrain>(0);
        var directorySilo = await cluster.Orleans.GetGrain<IManagementGrain>(0).GetActivationAddress(directory);
        var victim = cluster.Silos.Single(s => s.SiloPort == directorySilo!.Endpoint.Port);
        await load.WaitForCallsAsync(c => c.Device?.StartsWith(victim.Name + "/") == true, 1, $"calls to land on {victim.Name}");

        var killedAt = load.Now;
        victim.Kill();
        await Eventually.HoldsAsync(async () => !(await cluster.Client.GetDevicesAsync()).Any(d => d.Silo == victim.Name),
            TimeSpan.FromSeconds(30), $"{victim.Name} to leave the routing table");
        var leftTableAfter = load.Now - killedAt;
        var afterTable = load.Now;
        await load.WaitForCallsAsync(c => c.Started > afterTable, 20, "20 more calls");
        await load.DisposeAsync();

        var all = load.Calls.ToArray();
        var inFlightAtKill = all.Where(c => c.Started < killedAt && c.Ended > killedAt).ToArray();
        var firstSuccessAfterKill = all.Where(c => c.Error is null && c.Started > killedAt).Min(c => c.Ended) - killedAt;
        var slowest = all.Where(c => c.Ended > killedAt).Max(c => c.Ended - c.Started);
        output.WriteLine($"{all.Length} calls; {inFlightAtKill.Length} in flight at the kill, the last answered " +
            $"{(inFlightAtKill.Length == 0 ? 0 : (inFlightAtKill.Max(c => c.Ended) - killedAt).TotalMilliseconds):F0} ms after it; " +
            $"first success of a call started after the kill: {firstSuccessAfterKill.TotalMilliseconds:F0} ms; " +
            $"slowest call ending after the kill: {slowest.TotalMilliseconds:F0} ms; " +
            $"{victim.Name} left the routing table after {leftTableAfter.TotalMilliseconds:F0} ms.");

        Assert.All(all, c => Assert.True(c.Error is null, $"a call failed: {c.Error}"));
        var after = all.Where(c => c.Started > afterTable).ToArray();
        Assert.True(after.Length >= 20);
        Assert.All(after, c => Assert.DoesNotContain(victim.Name + "/", c.Device));
        Assert.All(after, c => Assert.Contains(DeviceKey.Parse(c.Device!).Silo, cluster.Silos.Where(s => s != victim).Select(s => s.Name)));
    }
}

/// <summary>A silo stopped gracefully (SIGTERM) under steady load: nothing is lost, and it leaves the routing table.</summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class GracefulStopTests(RedisClusterFixture cluster, ITestOutputHelper output) : IClassFixture<RedisClusterFixture>
{
    [Fact]
    public async Task Stopping_a_silo_under_load_loses_no_call()
    {
        var leaving = cluster.Silos[0];
        var load = new SteadyLoad(cluster);
        await load.StartAsync();
        await load.WaitForCallsAsync(c => c.Device?.StartsWith(leaving.Name + "/") == true, 1, $"calls to land on {leaving.Name}");

        var stoppedAt = load.Now;
        leaving.Terminate();
        using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await leaving.WaitForExitAsync(exit.Token);
        }

        var exitedAfter = load.Now - stoppedAt;
        var afterExit = load.Now;
        await load.WaitForCallsAsync(c => c.Started > afterExit, 20, "20 more calls");
        await load.DisposeAsync();

        var all = load.Calls.ToArray();
        output.WriteLine($"{all.Length} calls; {leaving.Name} exited {exitedAfter.TotalMilliseconds:F0} ms after SIGTERM with code {leaving.ExitCode}.");
        Assert.Equal(0, leaving.ExitCode);
        Assert.All(all, c => Assert.True(c.Error is null, $"a call failed: {c.Error}"));
        Assert.DoesNotContain(all.Where(c => c.Started > afterExit), c => c.Device!.StartsWith(leaving.Name + "/"));
    }
}

/// <summary>
/// A silo killed with SIGKILL while HTTP requests reach another silo, whose door routes some of them to the killed
/// silo's device: every request is answered, the lost calls on another device.
/// </summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class DoorFailoverTests(RedisClusterFixture cluster, ITestOutputHelper output) : IClassFixture<RedisClusterFixture>
{
    private sealed record Answer(TimeSpan Started, TimeSpan Ended, int Status, string? Device);

    [Fact]
    public async Task Killing_a_silo_that_another_silos_door_routes_to_loses_no_request()
    {
        await Eventually.HoldsAsync(async () => (await cluster.Client.GetDevicesAsync()).Count == RedisClusterFixture.SiloCount,
            TimeSpan.FromSeconds(30), "every device to report its load");
        var door = cluster.Silos[0];
        var image = TestData.Image("imageTextN.png");
        var clock = Stopwatch.StartNew();
        ConcurrentBag<Answer> answers = [];
        using var http = new HttpClient { BaseAddress = door.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var started = clock.Elapsed;
                using var body = new ByteArrayContent(image);
                body.Headers.ContentType = new("image/png");
                using var response = await http.PostAsync("/v1/models/text-direction/infer", body);
                var json = await response.Content.ReadAsStringAsync();
                var device = System.Text.Json.JsonDocument.Parse(json).RootElement.TryGetProperty("device", out var d) ? d.GetString() : null;
                answers.Add(new Answer(started, clock.Elapsed, (int)response.StatusCode, device));
            }
        })).ToArray();
        try
        {
            // The local device is never idle with eight callers: the door sends part of the load to the other silos' devices.
            await Eventually.HoldsAsync(() => Task.FromResult(answers.Any(a => a.Device is { } d && !d.StartsWith(door.Name + "/"))),
                TimeSpan.FromSeconds(60), "the door to route a request to another silo");
            var victim = cluster.Silos.First(s => s != door && answers.Any(a => a.Device?.StartsWith(s.Name + "/") == true));
            var killedAt = clock.Elapsed;
            victim.Kill();
            await Eventually.HoldsAsync(async () => !(await cluster.Client.GetDevicesAsync()).Any(d => d.Silo == victim.Name),
                TimeSpan.FromSeconds(30), $"{victim.Name} to leave the routing table");
            var afterTable = clock.Elapsed;
            await Eventually.HoldsAsync(() => Task.FromResult(answers.Count(a => a.Started > afterTable) >= 20), TimeSpan.FromSeconds(30), "20 more requests");
            stop.Cancel();
            await Task.WhenAll(workers);

            var all = answers.ToArray();
            var slowest = all.Where(a => a.Ended > killedAt).Max(a => a.Ended - a.Started);
            output.WriteLine($"{all.Length} requests, {all.Count(a => a.Device?.StartsWith(victim.Name + "/") == true)} answered by {victim.Name}; " +
                $"slowest ending after the kill: {slowest.TotalMilliseconds:F0} ms; {victim.Name} left the table {(afterTable - killedAt).TotalMilliseconds:F0} ms after the kill.");
            Assert.All(all, a => Assert.Equal(200, a.Status));
            Assert.DoesNotContain(all, a => a.Started > afterTable && a.Device!.StartsWith(victim.Name + "/"));
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(workers.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
    }
}
