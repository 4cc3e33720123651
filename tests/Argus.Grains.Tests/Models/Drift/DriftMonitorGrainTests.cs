using Argus.Models;
using Orleans.Concurrency;

namespace Argus.Grains.Tests.Models.Drift;

/// <summary>A monitor in the test cluster with the default sizes (200 and 200), fed class outputs.</summary>
public sealed class DriftMonitorGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static Immutable<IReadOnlyList<DriftSample>> Classes(int count, Func<int, int> index) =>
        ((IReadOnlyList<DriftSample>)[.. Enumerable.Range(0, count).Select(i => new DriftSample(DriftOutput.Class, null, index(i)))]).AsImmutable();

    [Fact]
    public async Task A_monitor_without_outputs_has_no_status_and_a_full_window_is_tested_against_the_first_outputs()
    {
        var monitor = DriftMonitors.GrainOf(fixture.Cluster.GrainFactory, "Drift-Monitor", "3");
        Assert.Null(await monitor.GetStatusAsync());

        var filling = await monitor.AddAsync(Classes(300, i => i % 2));
        Assert.Equal((DriftStatistic.JensenShannon, 200, 0L, (double?)null), (filling.Statistic, filling.ReferenceSize, filling.ChecksRun, filling.PValue));

        var tested = await monitor.AddAsync(Classes(100, _ => 1)); // the window: half alternating, half one class

        Assert.Equal(("drift-monitor", "3", 1L), (tested.Model, tested.Version, tested.ChecksRun));
        Assert.True(tested.PValue < 0.05, $"p {tested.PValue}");
        Assert.Equal((1, false), (tested.DriftingWindows, tested.AlarmRaised)); // K = 3 by default
        Assert.Equal(tested, await monitor.GetStatusAsync());
    }
}
