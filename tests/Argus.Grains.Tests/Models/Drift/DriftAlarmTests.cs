using Argus.Grains.Models.Drift;

namespace Argus.Grains.Tests.Models.Drift;

public sealed class DriftAlarmTests
{
    private const double Alpha = 0.05;

    private static DriftAlarm Run(DriftAlarm alarm, params double[] pValues) =>
        pValues.Aggregate(alarm, (a, p) => a.Next(p, Alpha, windowsToRaise: 3));

    [Fact]
    public void The_alarm_is_raised_on_the_third_drifting_window_in_a_row()
    {
        var two = Run(default, 0.01, 0.02);
        var three = Run(two, 0.049);

        Assert.Equal(new DriftAlarm(2, false), two);
        Assert.Equal(new DriftAlarm(3, true), three);
        Assert.Equal(new DriftAlarm(4, true), Run(three, 0.001));
    }

    [Fact]
    public void A_window_that_does_not_drift_clears_the_run_and_the_alarm()
    {
        Assert.Equal(default, Run(default, 0.01, 0.01, 0.5));
        Assert.Equal(default, Run(default, 0.01, 0.01, 0.01, 0.2));
        Assert.Equal(new DriftAlarm(2, false), Run(default, 0.01, 0.01, 0.3, 0.01, 0.01));
    }

    [Theory]
    [InlineData(0.05, false)]  // at the level: not below it
    [InlineData(0.0499, true)]
    [InlineData(double.NaN, false)]
    public void A_window_drifts_when_its_p_value_is_below_the_level(double pValue, bool drifting) =>
        Assert.Equal(drifting, DriftAlarm.IsDrifting(pValue, Alpha));

    [Fact]
    public void One_window_may_raise_it_when_so_configured() =>
        Assert.True(default(DriftAlarm).Next(0.01, Alpha, windowsToRaise: 1).Raised);

    [Fact]
    public void A_level_outside_0_to_1_or_no_windows_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => default(DriftAlarm).Next(0.01, 0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => default(DriftAlarm).Next(0.01, 1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => default(DriftAlarm).Next(0.01, Alpha, 0));
    }
}
