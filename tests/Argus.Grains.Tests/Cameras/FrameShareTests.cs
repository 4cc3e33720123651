using Argus.Cameras;
using Argus.Grains.Cameras;

namespace Argus.Grains.Tests.Cameras;

public sealed class FrameShareTests
{
    private static readonly DateTime T0 = new(2026, 5, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Target = TimeSpan.FromMilliseconds(200);

    [Fact]
    public void On_time_frames_grow_the_share_by_time_up_to_the_target_and_late_ones_cut_it()
    {
        var share = new FrameShare();
        Assert.Equal(5, share.Fps(5));

        share.Analysed(TimeSpan.FromMilliseconds(110), TimeSpan.FromMilliseconds(100), Target, 5, T0, null); // just over 100 ms
        Assert.Equal(5 * FrameShare.Decrease, share.Fps(5), 6);
        share.Refused(5);
        Assert.Equal(5 * FrameShare.Decrease * FrameShare.Decrease, share.Fps(5), 6);

        var before = share.Fps(5);
        share.Analysed(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50), Target, 5, T0.AddMilliseconds(100), null);
        Assert.Equal(before + FrameShare.IncreasePerSecond * 0.1, share.Fps(5), 6);
        for (var i = 2; i < 100; i++)
        {
            share.Analysed(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50), Target, 5, T0.AddMilliseconds(i * 100), null);
        }

        Assert.Equal(5, share.Fps(5));
    }

    [Theory]
    [InlineData(110, FrameShare.Decrease)] // just over the 100 ms headroom
    [InlineData(160, 100.0 / 160)] // in proportion to its lateness
    [InlineData(5000, FrameShare.DeepestDecrease)] // one outlier cuts no deeper
    public void A_late_frame_cuts_the_share_in_proportion_to_its_lateness_within_bounds(int latencyMs, double factor)
    {
        var share = new FrameShare();

        share.Analysed(TimeSpan.FromMilliseconds(latencyMs), TimeSpan.FromMilliseconds(50), Target, 5, T0, null);

        Assert.Equal(5 * factor, share.Fps(5), 6);
    }

    [Fact]
    public void The_share_never_falls_below_its_minimum()
    {
        var share = new FrameShare();
        for (var i = 0; i < 100; i++)
        {
            share.Refused(5);
        }

        Assert.Equal(FrameShare.MinimumFps, share.Fps(5), 6);
    }

    [Fact]
    public void A_share_below_the_source_rate_is_met_on_average()
    {
        var share = new FrameShare();
        for (var i = 0; i < 3; i++)
        {
            share.Refused(5); // 5 × 0.85³ ≈ 3.07 fps
        }

        // A 5 fps source over 60 s: every frame is offered, the share decides.
        var taken = Enumerable.Range(0, 300).Count(i => share.TryTake(T0.AddMilliseconds(i * 200), 5));

        Assert.InRange(taken / 60.0, share.Fps(5) * 0.95, share.Fps(5) * 1.05);
    }

    [Fact]
    public void A_late_frame_spares_a_camera_under_its_peers_mean_and_cuts_one_over_it_to_under_the_mean()
    {
        var late = TimeSpan.FromMilliseconds(110);
        var under = new FrameShare();
        under.Refused(5); // 4 fps
        var over = new FrameShare();

        under.Analysed(late, late, Target, 5, T0, peersFps: 4.5);
        over.Analysed(late, late, Target, 5, T0, peersFps: 4.5);

        Assert.Equal(5 * FrameShare.Decrease, under.Fps(5), 6);
        Assert.Equal(4.5 * FrameShare.Decrease, over.Fps(5), 6);
    }

    [Fact]
    public void A_frame_past_its_latency_target_cuts_a_camera_under_its_peers_mean_too()
    {
        var share = new FrameShare();
        share.Refused(5); // 4 fps

        share.Analysed(TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(100), Target, 5, T0, peersFps: 4.5);

        Assert.Equal(4 * FrameShare.DeepestDecrease, share.Fps(5), 6);
    }

    [Fact]
    public void A_camera_at_its_peers_mean_within_rounding_is_cut_as_one_alone()
    {
        var late = TimeSpan.FromMilliseconds(110);
        var atMean = new FrameShare();
        var alone = new FrameShare();

        atMean.Analysed(late, late, Target, 5, T0, peersFps: 5.000001);
        alone.Analysed(late, late, Target, 5, T0, peersFps: null);

        Assert.Equal(5 * FrameShare.Decrease, atMean.Fps(5), 6);
        Assert.Equal(5 * FrameShare.Decrease, alone.Fps(5), 6);
    }

    /// <summary>
    /// Sixteen cameras at 5 fps on one device that analyses a frame in 25 ms (40/s, half of what they offer), first in
    /// first out, refusing a frame whose deadline the queue ahead would miss; each frame's latency also holds up to 40 ms of
    /// the machine's (decoding, scheduling), at random. Cut alike by their late frames, the cameras' shares settle on
    /// about capacity ÷ cameras each; cut by their peers' mean (the silo's <see cref="CameraPeers"/>), they settle closer
    /// to it. Either way the device stays busy, the p95 stays within the target, and past the first seconds no frame is
    /// refused.
    /// </summary>
    [Theory]
    [InlineData(false, 0.7)]
    [InlineData(true, 0.85)]
    public void Cameras_on_a_saturated_device_converge_on_even_shares_within_their_target_and_nothing_fails(bool peersKnown, double evenness)
    {
        const int cameras = 16;
        var cost = TimeSpan.FromMilliseconds(25);
        var run = TimeSpan.FromSeconds(120);
        var settled = TimeSpan.FromSeconds(20);
        var random = new Random(18);
        var peers = new CameraPeers();
        var gates = Enumerable.Range(0, cameras).Select(_ => new FrameGate()).ToArray();
        var members = gates.Select(_ => peers.Join(new CameraConfig { Models = ["resnet18"] })).ToArray();
        var analysed = new int[cameras];
        var refusedLate = 0;
        List<double> latencies = [];
        Queue<(int Camera, Frame Frame, DateTime Sent)> queue = new();
        (int Camera, Frame Frame, DateTime Sent)? running = null;
        var runningEnds = DateTime.MaxValue;

        void Send(int camera, Frame frame, DateTime now)
        {
            var ahead = (running is null ? TimeSpan.Zero : runningEnds - now) + cost * (queue.Count + 1);
            if (now + ahead > frame.CapturedAt + Target)
            {
                gates[camera].Share.Refused(5); // the device's admission: refused before it costs compute
                refusedLate += now >= T0 + settled ? 1 : 0;
                Release(camera, gates[camera].Complete(1, 5, Target, now), now);
                return;
            }

            queue.Enqueue((camera, frame, now));
        }

        void Release(int camera, FrameRelease release, DateTime now)
        {
            if (release.Start is { } next)
            {
                Send(camera, next, now);
            }
        }

        for (var t = T0; t < T0 + run; t = t.AddMilliseconds(1))
        {
            if (running is { } done && t >= runningEnds)
            {
                running = null;
                var gate = gates[done.Camera];
                var member = members[done.Camera];
                var machine = TimeSpan.FromMilliseconds(random.Next(0, 41));
                gate.Share.Analysed(t - done.Frame.CapturedAt + machine, t - done.Sent + machine, Target, 5, t, peersKnown ? member.MeanFps(t) : null);
                member.Report(gate.Share.Fps(5), t);
                if (t >= T0 + settled)
                {
                    analysed[done.Camera]++;
                    latencies.Add((t - done.Frame.CapturedAt).TotalMilliseconds);
                }

                Release(done.Camera, gate.Complete(1, 5, Target, t), t);
            }

            for (var c = 0; c < cameras; c++)
            {
                // Each camera at its own phase of the 200 ms period.
                if (((t - T0).Ticks / TimeSpan.TicksPerMillisecond - c * 200 / cameras) % 200 == 0
                    && gates[c].Offer(new Frame([1], t), 1, 5) is { Start: { } start })
                {
                    Send(c, start, t);
                }
            }

            if (running is null && queue.Count > 0)
            {
                running = queue.Dequeue();
                runningEnds = t + cost;
            }
        }

        var seconds = (run - settled).TotalSeconds;
        var fps = analysed.Select(a => a / seconds).ToArray();
        latencies.Sort();
        Assert.Equal(0, refusedLate);
        Assert.True(fps.Sum() >= 0.8 * 40, $"The device analysed {fps.Sum():F1} of 40 frames/s.");
        Assert.True(fps.Min() >= evenness * fps.Max(), $"Per camera fps {string.Join(", ", fps.Order().Select(f => f.ToString("F2")))}.");
        Assert.True(latencies[(int)(latencies.Count * 0.95)] <= Target.TotalMilliseconds, $"p95 {latencies[(int)(latencies.Count * 0.95)]} ms.");
    }
}
