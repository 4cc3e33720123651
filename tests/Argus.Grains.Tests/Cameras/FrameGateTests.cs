using Argus.Cameras;
using Argus.Grains.Cameras;

namespace Argus.Grains.Tests.Cameras;

public sealed class FrameGateTests
{
    private static readonly DateTime T0 = new(2026, 5, 1, 12, 0, 0, DateTimeKind.Utc);

    private static readonly TimeSpan Target = TimeSpan.FromSeconds(10);

    private static Frame At(double ms) => new([1], T0.AddMilliseconds(ms));

    // Analyses end at the capture time of the newest frame: no frame is too old to start.
    private static Frame? Complete(FrameGate gate, int maxInFlight, double targetFps = 100) =>
        gate.Complete(maxInFlight, targetFps, Target, T0).Start;

    [Fact]
    public void A_frame_starts_while_a_slot_is_free_and_waits_otherwise()
    {
        var gate = new FrameGate();

        var first = gate.Offer(At(0), maxInFlight: 1, targetFps: 100);
        var second = gate.Offer(At(20), maxInFlight: 1, targetFps: 100);

        Assert.Equal((FrameOutcome.Accepted, false), (first.Outcome, first.Replaced));
        Assert.Equal(At(0).CapturedAt, first.Start?.CapturedAt);
        Assert.Equal(new FrameAdmission(FrameOutcome.Accepted, null, false), second);
        Assert.Equal(1, gate.InFlight);
        Assert.True(gate.HasWaiting);
    }

    [Fact]
    public void A_newer_frame_replaces_the_waiting_one_and_the_newest_starts_when_a_slot_frees()
    {
        var gate = new FrameGate();
        gate.Offer(At(0), 1, 100);
        gate.Offer(At(20), 1, 100);

        var third = gate.Offer(At(40), 1, 100);
        var fourth = gate.Offer(At(60), 1, 100);
        var next = Complete(gate, 1);

        Assert.True(third.Replaced);
        Assert.True(fourth.Replaced);
        Assert.Equal(At(60).CapturedAt, next?.CapturedAt);
        Assert.Equal(1, gate.InFlight);
        Assert.False(gate.HasWaiting);
        Assert.Null(Complete(gate, 1));
        Assert.Equal(0, gate.InFlight);
    }

    [Fact]
    public void A_frame_captured_before_the_newest_seen_is_stale_whether_it_would_start_or_wait()
    {
        var gate = new FrameGate();
        gate.Offer(At(100), 2, 100);

        Assert.Equal(FrameOutcome.Stale, gate.Offer(At(50), 2, 100).Outcome);
        Assert.Equal(1, gate.InFlight);
        Assert.Equal(FrameOutcome.Skipped, gate.Offer(At(100), 2, 100).Outcome); // the same instant is not older, only too soon
    }

    [Fact]
    public void Frames_sooner_than_the_target_rate_allows_after_the_last_started_one_are_skipped()
    {
        var gate = new FrameGate();
        gate.Offer(At(0), 4, targetFps: 5); // one every 200 ms

        Assert.Equal(FrameOutcome.Skipped, gate.Offer(At(100), 4, 5).Outcome);
        Assert.Equal(FrameOutcome.Skipped, gate.Offer(At(170), 4, 5).Outcome);
        // Within a tenth of the period counts as on time: capture-time jitter must not halve the rate.
        Assert.Equal(FrameOutcome.Accepted, gate.Offer(At(185), 4, 5).Outcome);
        Assert.Equal(2, gate.InFlight);
        Assert.Equal(FrameOutcome.Skipped, gate.Offer(At(300), 4, 5).Outcome);
    }

    [Fact]
    public void A_skipped_frame_still_makes_older_ones_stale()
    {
        var gate = new FrameGate();
        gate.Offer(At(0), 1, 5);
        gate.Offer(At(100), 1, 5);

        Assert.Equal(FrameOutcome.Stale, gate.Offer(At(90), 1, 5).Outcome);
    }

    [Fact]
    public void Several_slots_run_at_once_and_one_frame_waits_beyond_them()
    {
        var gate = new FrameGate();

        var starts = Enumerable.Range(0, 5).Select(i => gate.Offer(At(i * 10), maxInFlight: 3, targetFps: 1000)).ToArray();

        Assert.Equal(3, starts.Count(a => a.Start is not null));
        Assert.Equal([false, false, false, false, true], starts.Select(a => a.Replaced));
        Assert.Equal(At(40).CapturedAt, Complete(gate, 3, 1000)?.CapturedAt);
        Assert.Equal(3, gate.InFlight);
    }

    [Fact]
    public void Lowering_the_slots_holds_the_waiting_frame_until_enough_analyses_end()
    {
        var gate = new FrameGate();
        gate.Offer(At(0), 2, 100);
        gate.Offer(At(20), 2, 100);
        gate.Offer(At(40), 2, 100);

        Assert.Null(Complete(gate, maxInFlight: 1)); // one still runs: at the new limit
        Assert.Equal(At(40).CapturedAt, Complete(gate, maxInFlight: 1)?.CapturedAt);
    }

    [Fact]
    public void A_waiting_frame_too_old_to_be_on_time_is_shed_when_the_slot_frees()
    {
        var gate = new FrameGate();
        gate.Offer(At(0), 1, 5);
        gate.Offer(At(200), 1, 5);

        // 200 ms old at 400 ms: with a 200 ms target (140 ms of headroom) it could not be on time.
        var release = gate.Complete(1, 5, TimeSpan.FromMilliseconds(200), At(400).CapturedAt);

        Assert.Equal(new FrameRelease(null, Shed: true), release);
        Assert.Equal(0, gate.InFlight);
        Assert.False(gate.HasWaiting);
    }

    [Fact]
    public void Frames_over_the_share_are_shed_and_the_source_is_told_when_the_next_is_wanted()
    {
        var gate = new FrameGate();
        var target = TimeSpan.FromMilliseconds(200);
        gate.Offer(At(0), 1, 5);
        Assert.Equal(DateTime.MaxValue, gate.NextWanted(1, 5).Shed); // the one slot is taken
        gate.Share.Analysed(TimeSpan.FromMilliseconds(110), TimeSpan.FromMilliseconds(110), target, 5, At(110).CapturedAt, null); // late
        gate.Complete(1, 5, target, At(110).CapturedAt);

        var share = gate.Share.Fps(5);
        var wanted = gate.NextWanted(1, 5);
        Assert.Equal(5 * FrameShare.Decrease, share, 6);
        Assert.Equal(At(180).CapturedAt, wanted.Skip); // the target fps' gap, less its tolerance
        Assert.Equal(FrameOutcome.Shed, gate.Offer(At(200), 1, 5).Outcome); // the share's token was spent at 0 ms
        Assert.True(gate.NextWanted(1, 5).Shed > At(200).CapturedAt);
        Assert.Equal(FrameOutcome.Accepted, gate.Offer(At(400), 1, 5).Outcome);
    }
}
