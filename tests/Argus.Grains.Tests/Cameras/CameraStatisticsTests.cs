using Argus.Cameras;
using Argus.Grains.Cameras;

namespace Argus.Grains.Tests.Cameras;

public sealed class CameraStatisticsTests
{
    private static readonly DateTime T0 = new(2026, 5, 1, 12, 0, 0, DateTimeKind.Utc);

    private static FrameAdmission Admission(FrameOutcome outcome, bool replaced = false) => new(outcome, null, replaced);

    [Fact]
    public void Frames_are_counted_by_what_became_of_them()
    {
        var stats = new CameraStatistics(T0);

        stats.Offered(Admission(FrameOutcome.Accepted));
        stats.Offered(Admission(FrameOutcome.Accepted, replaced: true));
        stats.Offered(Admission(FrameOutcome.Stale));
        stats.Offered(Admission(FrameOutcome.Skipped));
        stats.Offered(Admission(FrameOutcome.Shed));
        stats.Offered(Admission(FrameOutcome.Accepted)); // waits, then is shed when its slot frees
        stats.Shed();
        stats.Withheld(skipped: 2, shed: 3); // a connector's, never offered
        stats.Failed();

        var s = stats.Snapshot("gate", 5, shareFps: 2.5, alerts: 3, "silo-0", T0);
        Assert.Equal((11L, 7L, 3L, 1L, 0L), (s.Received, s.Dropped, s.Skipped, s.Failed, s.Analysed));
        Assert.Equal(("gate", 5.0, 2.5, 3L, "silo-0"), (s.Camera, s.TargetFps, s.ShareFps, s.Alerts, s.Silo));
        Assert.Null(s.NewestAnalysed);
        Assert.Equal(0, s.P99Ms);
    }

    [Fact]
    public void Latency_percentiles_cover_the_last_512_analysed_frames()
    {
        var stats = new CameraStatistics(T0);
        var now = T0.AddMinutes(1);

        // 100 frames of 1000 ms, then 512 of 1..512 ms: the first hundred fall out of the window.
        for (var i = 0; i < 100; i++)
        {
            stats.Analysed(now.AddMilliseconds(-1000), now);
        }

        for (var ms = 1; ms <= 512; ms++)
        {
            stats.Analysed(now.AddMilliseconds(-ms), now);
        }

        var s = stats.Snapshot("gate", 5, shareFps: 5, 0, "silo-0", now);
        Assert.Equal(612, s.Analysed);
        Assert.Equal((256, 487, 507), ((int)s.P50Ms, (int)s.P95Ms, (int)s.P99Ms));
    }

    [Fact]
    public void The_newest_analysed_frame_is_the_latest_capture_time_whatever_the_order_analyses_end_in()
    {
        var stats = new CameraStatistics(T0);

        stats.Analysed(T0.AddSeconds(2), T0.AddSeconds(3));
        stats.Analysed(T0.AddSeconds(1), T0.AddSeconds(3));

        Assert.Equal(T0.AddSeconds(2), stats.Snapshot("gate", 5, shareFps: 5, 0, "s", T0.AddSeconds(3)).NewestAnalysed);
    }

    [Fact]
    public void The_achieved_rate_counts_the_last_five_seconds_or_the_time_since_the_start_when_shorter()
    {
        var stats = new CameraStatistics(T0);
        for (var i = 1; i <= 40; i++)
        {
            stats.Analysed(T0.AddMilliseconds(i * 250 - 50), T0.AddMilliseconds(i * 250)); // 4 fps for 10 s
        }

        Assert.Equal(4, stats.Snapshot("gate", 5, shareFps: 5, 0, "s", T0.AddSeconds(10)).AchievedFps, 1);
        Assert.Equal(0, new CameraStatistics(T0).Snapshot("gate", 5, shareFps: 5, 0, "s", T0).AchievedFps);
        Assert.Equal(0, stats.Snapshot("gate", 5, shareFps: 5, 0, "s", T0.AddSeconds(20)).AchievedFps); // it stopped

        var young = new CameraStatistics(T0);
        young.Analysed(T0, T0.AddSeconds(1));
        young.Analysed(T0, T0.AddSeconds(2));
        Assert.Equal(1, young.Snapshot("gate", 5, shareFps: 5, 0, "s", T0.AddSeconds(2)).AchievedFps, 6);
    }
}
