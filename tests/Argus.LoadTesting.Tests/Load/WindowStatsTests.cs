using Argus.LoadTesting.Load;

namespace Argus.LoadTesting.Tests.Load;

public sealed class WindowStatsTests
{
    [Fact]
    public void Merged_windows_add_up_and_keep_their_values_in_order()
    {
        var a = Window(1, [30, 10], batches: 2, rejected: 1);
        var b = Window(2, [20], batches: 0.25, failed: 2, dropped: 3);

        var merged = WindowStats.Merge([a, b]);

        Assert.Equal(TimeSpan.FromSeconds(3), merged.Duration);
        Assert.Equal([10, 20, 30], merged.LatenciesMs);
        Assert.Equal(3 + 1 + 2 + 3, merged.Sent);
        Assert.Equal(1.0, merged.Throughput);
        Assert.Equal(2, merged.AnsweredWithin(20));
        Assert.Equal(3 / 2.25, merged.AverageBatchSize, 6);
        Assert.Equal(2, merged.Errors["boom"]);
        Assert.Equal(3, merged.Devices["d/x0"]);
    }

    internal static WindowStats Window(
        double seconds, double[] latencies, double batches = 1, long rejected = 0, long failed = 0, long dropped = 0) =>
        new(TimeSpan.FromSeconds(seconds), WindowStats.Sorted(latencies), [.. latencies.Select(_ => 1.0)], [.. latencies.Select(_ => 5.0)],
            batches, rejected, failed, dropped, failed > 0 ? new Dictionary<string, long> { ["boom"] = failed } : [],
            new Dictionary<string, long> { ["d/x0"] = latencies.Length });
}
