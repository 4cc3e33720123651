using Argus.LoadTesting.Load;

namespace Argus.LoadTesting.Tests.Load;

public sealed class LoadSweepTests
{
    [Fact]
    public async Task Every_level_is_measured_until_stable_or_out_of_trials_and_names_the_devices_that_answered()
    {
        var target = FakeTarget.Answering(batchSize: 2, kind: "sim");
        var options = new LoadSweepOptions
        {
            Range = new LoadRange(1, 4, 2, Multiplies: true),
            MeasurementInterval = TimeSpan.FromMilliseconds(60),
            MaxTrials = 4,
            StabilityPercentage = 100,
            SloMs = 60_000, // a shared machine may stall a call now and then; goodput's arithmetic is checked in ReportTests
        };
        List<double> seen = [];

        var steps = await LoadSweep.RunAsync(target, FakeImages.Create(), options, s => seen.Add(s.Load));

        Assert.Equal([1, 2, 4], seen);
        Assert.Equal([1, 2, 4], steps.Select(s => s.Load));
        Assert.All(steps, s =>
        {
            Assert.InRange(s.Trials, Stability.Windows, options.MaxTrials);
            Assert.True(s.Stable || s.Trials == options.MaxTrials, "a level stops early only when stable");
            Assert.True(s.Stats.Duration.TotalMilliseconds >= 3 * 55, "the last three windows, merged"); // a timer may fire a little early
            Assert.True(s.InferPerSecond > 0);
            Assert.Equal(2, s.AverageBatchSize, 6);
            Assert.Equal(1, s.GoodputShare);
            Assert.Equal(["sim"], s.DeviceKinds);
            Assert.True(s.Simulated);
        });
    }

    [Fact]
    public async Task Invalid_options_are_refused_with_every_reason()
    {
        var options = new LoadSweepOptions { MaxTrials = 0, SloMs = -1, MeasurementInterval = TimeSpan.Zero };

        var e = await Assert.ThrowsAsync<ArgumentException>(() => LoadSweep.RunAsync(FakeTarget.Answering(), FakeImages.Create(), options));

        Assert.Contains("Max trials", e.Message);
        Assert.Contains("SLO", e.Message);
        Assert.Contains("measurement interval", e.Message);
    }

    [Theory]
    [InlineData("silo-1/sim0", "sim")]
    [InlineData("silo-1/cuda12", "cuda")]
    [InlineData("a/cpu0", "cpu")]
    [InlineData("a/0", "unknown")]
    public void A_device_the_target_does_not_list_is_known_by_its_name(string key, string kind) =>
        Assert.Equal(kind, LoadSweep.KindFromName(key));
}
