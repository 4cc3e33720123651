using Argus.Inference.Statistics;

namespace Argus.Inference.Tests.Statistics;

public sealed class UtilizationWindowTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void The_first_reading_is_the_share_since_start()
    {
        var window = new UtilizationWindow(S(10));

        Assert.Equal(0.25, window.Observe(S(4), S(1)), 6);
    }

    [Fact]
    public void Later_readings_measure_against_the_newest_reading_at_least_a_window_old()
    {
        var window = new UtilizationWindow(S(10));
        window.Observe(S(10), S(10)); // busy all along
        window.Observe(S(15), S(10)); // then idle

        // At 20 s the reading of 10 s is exactly a window old: busy 0 s of the last 10.
        Assert.Equal(0, window.Observe(S(20), S(10)), 6);
        // At 26 s the reading of 15 s is the newest at least 10 s old: 6 s busy of 11.
        Assert.Equal(6.0 / 11, window.Observe(S(26), S(16)), 6);
    }

    [Fact]
    public void Readings_closer_than_the_window_measure_from_further_back()
    {
        var window = new UtilizationWindow(S(10));
        window.Observe(S(1), S(0));
        window.Observe(S(2), S(1));

        // No reading is 10 s before 3 s: measured from the start, 2 s busy of 3.
        Assert.Equal(2.0 / 3, window.Observe(S(3), S(2)), 6);
    }

    [Fact]
    public void No_time_passed_reads_zero_and_a_share_never_leaves_0_to_1()
    {
        var window = new UtilizationWindow(S(10));

        Assert.Equal(0, window.Observe(TimeSpan.Zero, TimeSpan.Zero));
        Assert.Equal(1, window.Observe(S(1), S(2))); // busy time read a little ahead of uptime
    }
}
