using Argus.Inference.Batching;

namespace Argus.Inference.Tests.Batching;

public sealed class FairShareTests
{
    private static TenantTurn Tenant(int waiting, double weight = 1, double deficit = 0) =>
        new() { Waiting = waiting, Weight = weight, Deficit = deficit };

    /// <summary>Picks <paramref name="batches"/> batches of <paramref name="size"/>, taking what each picks off its tenant.</summary>
    private static int[] Run(TenantTurn[] tenants, ref int cursor, int batches, int size)
    {
        var taken = new int[tenants.Length];
        for (var b = 0; b < batches; b++)
        {
            FairShare.Pick(tenants, ref cursor, size);
            for (var i = 0; i < tenants.Length; i++)
            {
                taken[i] += tenants[i].Take;
                tenants[i].Waiting -= tenants[i].Take;
            }
        }

        return taken;
    }

    [Fact]
    public void Equal_weights_split_a_contended_lane_evenly()
    {
        var tenants = new[] { Tenant(100), Tenant(100) };
        var cursor = 0;
        Assert.Equal([40, 40], Run(tenants, ref cursor, batches: 10, size: 8));
    }

    [Fact]
    public void Weights_three_to_one_split_three_to_one_even_across_odd_batch_sizes()
    {
        var tenants = new[] { Tenant(1000, weight: 3), Tenant(1000) };
        var cursor = 0;
        Assert.Equal([300, 100], Run(tenants, ref cursor, batches: 80, size: 5));
    }

    [Fact]
    public void Fractional_weights_carry_over_between_turns()
    {
        var tenants = new[] { Tenant(1000, weight: 0.5), Tenant(1000) };
        var cursor = 0;
        Assert.Equal([20, 40], Run(tenants, ref cursor, batches: 20, size: 3));
    }

    [Fact]
    public void A_lone_tenant_takes_the_whole_batch()
    {
        var tenants = new[] { Tenant(100) };
        var cursor = 0;
        Assert.Equal(8, FairShare.Pick(tenants, ref cursor, 8));
        Assert.Equal(8, tenants[0].Take);
    }

    [Fact]
    public void A_tenant_that_arrives_late_gets_its_share_from_the_next_batch()
    {
        var flood = new[] { Tenant(1000) };
        var cursor = 0;
        Run(flood, ref cursor, batches: 50, size: 8);

        var tenants = new[] { flood[0], Tenant(4) };
        FairShare.Pick(tenants, ref cursor, 8);
        Assert.Equal(4, tenants[1].Take);
        Assert.Equal(4, tenants[0].Take);
    }

    [Fact]
    public void An_idle_tenant_saves_up_no_deficit()
    {
        var tenants = new[] { Tenant(1000), Tenant(0, weight: 3) };
        var cursor = 0;
        Run(tenants, ref cursor, batches: 50, size: 8);
        Assert.Equal(0, tenants[1].Deficit);

        tenants[1].Waiting = 100;
        FairShare.Pick(tenants, ref cursor, 4);
        Assert.Equal(3, tenants[1].Take);
        Assert.Equal(1, tenants[0].Take);
    }

    [Fact]
    public void A_tenant_that_empties_loses_its_deficit_and_the_rest_goes_to_the_others()
    {
        var tenants = new[] { Tenant(2, weight: 10), Tenant(100) };
        var cursor = 0;
        Assert.Equal(8, FairShare.Pick(tenants, ref cursor, 8));
        Assert.Equal([2, 6], tenants.Select(t => t.Take));
        Assert.Equal(0, tenants[0].Deficit);
    }

    [Fact]
    public void A_batch_that_fills_mid_turn_lets_the_next_batch_finish_the_turn()
    {
        var tenants = new[] { Tenant(100, weight: 6), Tenant(100) };
        var cursor = 0;
        var taken = Run(tenants, ref cursor, batches: 1, size: 4);
        Assert.Equal([4, 0], taken);
        FairShare.Pick(tenants, ref cursor, 4);
        Assert.Equal([3, 1], tenants.Select(t => t.Take)); // the 2 left of its turn, then the other's 1, then its next turn
    }

    [Fact]
    public void Picks_never_more_than_waits()
    {
        var tenants = new[] { Tenant(2), Tenant(1) };
        var cursor = 1;
        Assert.Equal(3, FairShare.Pick(tenants, ref cursor, 8));
        Assert.Equal([2, 1], tenants.Select(t => t.Take));
        Assert.Equal(0, FairShare.Pick([], ref cursor, 8));
    }

    [Theory]
    [InlineData(0, 1, 100, 1, 1)]
    [InlineData(4, 1, 100, 1, 5)]
    [InlineData(4, 1, 3, 1, 3)]
    [InlineData(0, 1, 100, 3, 3)]
    [InlineData(5, 3, 100, 1, 2)]
    public void The_share_ahead_is_the_rounds_waited_times_the_other_weight_and_no_more_than_it_has(
        int ownWaiting, double ownWeight, int otherWaiting, double otherWeight, int expected) =>
        Assert.Equal(expected, FairShare.ShareAhead(ownWaiting, ownWeight, otherWaiting, otherWeight));
}
