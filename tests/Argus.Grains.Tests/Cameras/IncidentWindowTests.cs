using Argus.Cameras;
using Argus.Grains.Cameras;

namespace Argus.Grains.Tests.Cameras;

public sealed class IncidentWindowTests
{
    private static readonly DateTime T0 = new(2026, 5, 1, 12, 0, 0, DateTimeKind.Utc);

    private static readonly PendingIncident Pending = new(
        3, "people", T0, T0.AddMilliseconds(150), new IncidentConfig { Model = "text-detection", BeforeS = 2, AfterS = 4, RingFrames = 50, RingMib = 1 });

    [Fact]
    public void The_window_runs_from_the_seconds_before_to_the_seconds_after_the_alerting_frame()
    {
        Assert.Equal((T0.AddSeconds(-2), T0.AddSeconds(4)), (IncidentWindow.From(Pending), IncidentWindow.To(Pending)));
    }

    [Fact]
    public void A_summary_is_due_once_a_frame_after_the_window_arrived_or_the_clock_has_waited_long_enough()
    {
        var patient = T0.AddMilliseconds(150).AddSeconds(4) + IncidentWindow.Patience;

        Assert.False(IncidentWindow.IsDue(Pending, null, T0.AddSeconds(5)));
        Assert.False(IncidentWindow.IsDue(Pending, T0.AddSeconds(3.9), T0.AddSeconds(5)));
        Assert.True(IncidentWindow.IsDue(Pending, T0.AddSeconds(4), T0.AddSeconds(4)));
        Assert.False(IncidentWindow.IsDue(Pending, T0.AddSeconds(1), patient.AddTicks(-1)));
        Assert.True(IncidentWindow.IsDue(Pending, null, patient)); // the source ended, or the camera's silo was lost
    }

    [Fact]
    public void The_ring_keeps_the_window_and_its_slack_within_the_configured_bounds()
    {
        var ring = IncidentWindow.Ring(Pending.Config);
        for (var ms = 0; ms <= 20_000; ms += 100)
        {
            ring.Add(new Frame(new byte[1000], T0.AddMilliseconds(ms)));
        }

        Assert.Equal(50, ring.Count); // 6 s + 1 s of slack at 10 fps would be 71 frames: the frame bound holds first
        for (var ms = 20_100; ms <= 30_000; ms += 100)
        {
            ring.Add(new Frame(new byte[100_000], T0.AddMilliseconds(ms)));
        }

        Assert.Equal(10, ring.Count); // 1 MiB of 100 kB frames
        Assert.True(ring.Bytes <= 1024 * 1024);
    }
}
