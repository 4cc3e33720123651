using Argus.Inference.Video;

namespace Argus.Inference.Tests.Video;

public sealed class VideoTimingTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Theory]
    [InlineData(10, 10)]
    [InlineData(23.976, 23.976)]
    [InlineData(0, 25)]
    [InlineData(-1, 25)]
    [InlineData(double.NaN, 25)]
    [InlineData(double.PositiveInfinity, 25)]
    public void A_file_without_a_frame_rate_is_paced_at_25_fps(double reported, double expected) =>
        Assert.Equal(expected, VideoTiming.FileFps(reported));

    [Fact]
    public void Frames_are_due_on_an_absolute_schedule_that_does_not_drift()
    {
        Assert.Equal(TimeSpan.Zero, VideoTiming.Due(0, 10));
        Assert.Equal(TimeSpan.FromSeconds(1), VideoTiming.Due(10, 10));
        // Frame 108000 of 29.97 fps NTSC video is due at 3603.6 s, to the tick: rounding does not add up.
        Assert.Equal(TimeSpan.FromTicks(36_000_000_000 * 1001 / 1000), VideoTiming.Due(30 * 3600, 30000 / 1001.0));
        Assert.Equal(TimeSpan.FromHours(1), VideoTiming.Due(30 * 3600, 30));
    }

    [Fact]
    public void Without_a_cap_or_a_previous_frame_nothing_is_too_soon()
    {
        Assert.False(VideoTiming.IsTooSoon(Ms, Ms, maxFps: null));
        Assert.False(VideoTiming.IsTooSoon(Ms, lastYielded: null, maxFps: 1));
    }

    [Fact]
    public void A_cap_at_half_the_rate_keeps_every_other_frame()
    {
        Assert.True(VideoTiming.IsTooSoon(VideoTiming.Due(1, 10), VideoTiming.Due(0, 10), maxFps: 5));
        Assert.False(VideoTiming.IsTooSoon(VideoTiming.Due(2, 10), VideoTiming.Due(0, 10), maxFps: 5));
    }

    [Fact]
    public void A_cap_is_never_exceeded_even_when_it_does_not_divide_the_rate()
    {
        // 25 fps capped at 10: 40 and 80 ms are too soon after 0, 120 ms is not.
        Assert.True(VideoTiming.IsTooSoon(80 * Ms, TimeSpan.Zero, maxFps: 10));
        Assert.False(VideoTiming.IsTooSoon(120 * Ms, TimeSpan.Zero, maxFps: 10));
    }

    [Fact]
    public void Reconnection_delays_double_up_to_the_maximum()
    {
        var max = TimeSpan.FromSeconds(30);
        var delays = new List<TimeSpan> { 500 * Ms };
        while (delays.Count < 9)
        {
            delays.Add(VideoTiming.NextReconnectDelay(delays[^1], max));
        }

        Assert.Equal([0.5, 1, 2, 4, 8, 16, 30, 30, 30], delays.Select(d => d.TotalSeconds));
        Assert.Equal(TimeSpan.MaxValue, VideoTiming.NextReconnectDelay(TimeSpan.MaxValue, TimeSpan.MaxValue));
    }
}
