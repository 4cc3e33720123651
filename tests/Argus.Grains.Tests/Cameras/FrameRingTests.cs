using Argus.Cameras;
using Argus.Grains.Cameras;

namespace Argus.Grains.Tests.Cameras;

public sealed class FrameRingTests
{
    private static readonly DateTime T0 = new(2026, 5, 1, 12, 0, 0, DateTimeKind.Utc);

    private static Frame At(double ms, int bytes = 10) => new(new byte[bytes], T0.AddMilliseconds(ms));

    [Fact]
    public void The_ring_never_holds_more_than_its_frame_bound_however_many_frames_come()
    {
        var ring = new FrameRing(maxFrames: 5, maxBytes: 1 << 20, TimeSpan.FromHours(1));

        for (var i = 0; i < 10_000; i++)
        {
            ring.Add(At(i * 100));
            Assert.InRange(ring.Count, 1, 5);
        }

        Assert.Equal(50, ring.Bytes);
        Assert.Equal(T0.AddMilliseconds(9_999 * 100), ring.Newest);
        Assert.Equal([9_995, 9_996, 9_997, 9_998, 9_999], ring.Window(T0, T0.AddDays(1)).Select(f => (int)(f.CapturedAt - T0).TotalMilliseconds / 100));
    }

    [Fact]
    public void The_ring_holds_at_most_its_byte_bound_and_refuses_a_frame_larger_than_it()
    {
        var ring = new FrameRing(maxFrames: 100, maxBytes: 1000, TimeSpan.FromHours(1));

        for (var i = 0; i < 50; i++)
        {
            ring.Add(At(i * 100, bytes: 300));
            Assert.InRange(ring.Bytes, 300, 1000);
        }

        ring.Add(At(10_000, bytes: 1001));

        Assert.Equal((3, 900L), (ring.Count, ring.Bytes));
        Assert.Equal(T0.AddMilliseconds(4_900), ring.Newest);
    }

    [Fact]
    public void Frames_older_than_the_span_before_the_newest_go_and_a_stale_frame_is_not_kept()
    {
        var ring = new FrameRing(maxFrames: 100, maxBytes: 1 << 20, TimeSpan.FromSeconds(1));
        foreach (var ms in new[] { 0, 400, 800, 1200, 1600 })
        {
            ring.Add(At(ms));
        }

        ring.Add(At(1500)); // captured before the newest kept

        Assert.Equal([800, 1200, 1600], ring.Window(T0, T0.AddSeconds(10)).Select(f => (f.CapturedAt - T0).TotalMilliseconds));
        Assert.Equal([1200], ring.Window(T0.AddMilliseconds(900), T0.AddMilliseconds(1200)).Select(f => (f.CapturedAt - T0).TotalMilliseconds));
    }
}
