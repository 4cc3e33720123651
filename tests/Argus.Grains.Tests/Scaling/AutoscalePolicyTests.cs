using Argus.Grains.Scaling;

namespace Argus.Grains.Tests.Scaling;

public sealed class AutoscalePolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The measured design: 8 in flight per device, up after 10 s, down after 120 s, 1 to 10 silos, tolerance 0.1.</summary>
    private static readonly AutoscaleOptions Options = new();

    private static AutoscaleContext At(double seconds, double inFlight, double devicesPerSilo = 2, int current = 1) =>
        new(T0.AddSeconds(seconds), current, devicesPerSilo, inFlight);

    /// <summary>Runs the policy once a second from <paramref name="from"/> to <paramref name="to"/> at one load.</summary>
    private static AutoscaleDecision Run(AutoscaleState state, double from, double to, double inFlight, double devicesPerSilo = 2)
    {
        AutoscaleDecision decision = new(state, "");
        for (var t = from; t <= to; t++)
        {
            decision = AutoscalePolicy.Decide(Options, At(t, inFlight, devicesPerSilo), decision.State);
        }

        return decision;
    }

    [Theory]
    [InlineData(0, 2, 1)]        // no load: the minimum
    [InlineData(16, 2, 1)]       // exactly one silo's target
    [InlineData(40, 2, 3)]       // 2.5 silos round up
    [InlineData(48, 1, 6)]       // fewer devices per silo, more silos
    [InlineData(10_000, 2, 10)]  // the maximum
    public void The_load_asks_for_in_flight_over_target_per_silo_rounded_up_and_bounded(double inFlight, double devicesPerSilo, int expected) =>
        Assert.Equal(expected, AutoscalePolicy.Propose(Options, AutoscalePolicy.LoadInSilos(inFlight, 8, devicesPerSilo), desired: 1));

    [Theory]
    [InlineData(4, 4.35, 4)]  // within 10 % above: held
    [InlineData(4, 3.65, 4)]  // within 10 % below: held
    [InlineData(4, 4.5, 5)]   // beyond: up
    [InlineData(4, 3.5, 4)]   // beyond, but rounds up to the same
    [InlineData(4, 2.9, 3)]   // down
    [InlineData(1, 1.05, 1)]  // a hair over one silo does not add a second
    public void A_tolerance_band_holds_the_count(int desired, double load, int expected) =>
        Assert.Equal(expected, AutoscalePolicy.Propose(Options, load, desired));

    [Fact]
    public void Factors_take_a_share_of_each_step()
    {
        var half = new AutoscaleOptions { UpscaleFactor = 0.5, DownscaleFactor = 0.5 };

        Assert.Equal(5, AutoscalePolicy.Propose(half, 8, 2));   // 2 + 6 × 0.5
        Assert.Equal(5, AutoscalePolicy.Propose(half, 1, 8));   // 8 − 7 × 0.5 = 4.5, rounded up
        Assert.Equal(10, AutoscalePolicy.Propose(new AutoscaleOptions { UpscaleFactor = 3 }, 4, 1)); // 1 + 3 × 3, at the maximum
    }

    [Fact]
    public void Bounds_hold_at_the_start_and_after()
    {
        var options = new AutoscaleOptions { MinSilos = 2, MaxSilos = 4 };

        Assert.Equal(2, AutoscalePolicy.Initial(options, 1).Desired);
        Assert.Equal(4, AutoscalePolicy.Initial(options, 7).Desired);
        Assert.Equal(3, AutoscalePolicy.Initial(options, 3).Desired);
        Assert.Equal(2, AutoscalePolicy.Propose(options, 0, 3));
        Assert.Equal(4, AutoscalePolicy.Propose(options, 9, 3));
    }

    [Fact]
    public void Scaling_up_waits_for_the_upscale_delay_of_load_asking_for_it()
    {
        var state = AutoscalePolicy.Initial(Options, 1);

        var waiting = Run(state, 0, 9, inFlight: 48);
        Assert.Equal(1, waiting.State.Desired);
        Assert.Equal(3, waiting.State.Proposed);
        Assert.Contains("before scaling up", waiting.Reason);

        var up = AutoscalePolicy.Decide(Options, At(10, 48), waiting.State);
        Assert.Equal(3, up.State.Desired);
        Assert.Null(up.State.Proposed);
        Assert.Contains("scaling up from 1 to 3", up.Reason);
    }

    [Fact]
    public void A_burst_shorter_than_the_delay_changes_nothing_and_the_next_one_waits_again()
    {
        var state = AutoscalePolicy.Initial(Options, 1);

        var burst = Run(state, 0, 8, inFlight: 48);
        var calm = AutoscalePolicy.Decide(Options, At(9, 4), burst.State);
        var again = Run(calm.State, 10, 19, inFlight: 48);

        Assert.Equal(1, calm.State.Desired);
        Assert.Null(calm.State.Proposed);
        Assert.Equal(1, again.State.Desired);
        Assert.Equal(3, AutoscalePolicy.Decide(Options, At(20, 48), again.State).State.Desired);
    }

    [Fact]
    public void The_step_taken_is_the_latest_the_load_asks_for_in_the_same_direction()
    {
        var rising = Run(AutoscalePolicy.Initial(Options, 1), 0, 5, inFlight: 40);
        var up = Run(rising.State, 6, 10, inFlight: 64);

        Assert.Equal(4, up.State.Desired);
    }

    [Fact]
    public void Scaling_down_waits_for_the_longer_downscale_delay()
    {
        var state = new AutoscaleState(4);

        var waiting = Run(state, 0, 119, inFlight: 10);
        Assert.Equal(4, waiting.State.Desired);
        Assert.Contains("before scaling down", waiting.Reason);

        var down = AutoscalePolicy.Decide(Options, At(120, 10), waiting.State);
        Assert.Equal(1, down.State.Desired);
        Assert.Contains("scaling down from 4 to 1", down.Reason);
    }

    [Fact]
    public void A_change_of_direction_restarts_the_delay()
    {
        var state = new AutoscaleState(2);

        var downward = Run(state, 0, 100, inFlight: 4);
        var upward = Run(downward.State, 101, 110, inFlight: 80);

        Assert.Equal(2, upward.State.Desired);
        Assert.Equal(T0.AddSeconds(101), upward.State.Since);
        Assert.Equal(5, AutoscalePolicy.Decide(Options, At(111, 80), upward.State).State.Desired);
    }

    [Fact]
    public void Steady_noisy_load_near_a_boundary_never_oscillates()
    {
        var random = new Random(7);
        var state = AutoscalePolicy.Decide(Options, At(0, 31), new AutoscaleState(2)).State;
        List<int> desired = [];
        for (var t = 1; t < 1000; t++)
        {
            // 31 ± 3 in flight on 2 devices per silo: 1.75 to 2.125 silos, above and below 2.
            state = AutoscalePolicy.Decide(Options, At(t, 31 + ((random.NextDouble() * 6) - 3)), state).State;
            desired.Add(state.Desired);
        }

        Assert.All(desired, d => Assert.Equal(2, d));
    }

    [Fact]
    public void Without_devices_the_count_is_held()
    {
        var decision = AutoscalePolicy.Decide(Options, At(0, 50, devicesPerSilo: 0), new AutoscaleState(3, 5, T0));

        Assert.Equal(new AutoscaleState(3), decision.State);
        Assert.Contains("No device", decision.Reason);
    }
}
