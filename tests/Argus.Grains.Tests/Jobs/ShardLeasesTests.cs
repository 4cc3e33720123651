using Argus.Grains.Jobs;
using Microsoft.Extensions.Time.Testing;

namespace Argus.Grains.Tests.Jobs;

public sealed class ShardLeasesTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));

    private ShardLeases Table(params int[] pending)
    {
        var leases = new ShardLeases(Duration, _time);
        leases.Add(pending);
        return leases;
    }

    [Fact]
    public void Shards_are_handed_out_lowest_first_each_once_under_a_lease_of_its_own()
    {
        var leases = Table(2, 0, 1);

        var grants = new[] { leases.Grant(), leases.Grant(), leases.Grant() };

        Assert.Equal([0, 1, 2], grants.Select(g => g!.Value.Shard));
        Assert.Equal(3, grants.Select(g => g!.Value.LeaseId).Distinct().Count());
        Assert.Null(leases.Grant());
        Assert.Equal((3, 0), (leases.Leased, leases.Pending));
    }

    [Fact]
    public void A_lease_not_renewed_expires_after_its_duration_and_its_shard_goes_to_the_next_worker()
    {
        var leases = Table(0);
        var first = leases.Grant()!.Value;

        _time.Advance(Duration);
        Assert.Empty(leases.Expire()); // a lease lasts its whole duration
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([0], leases.Expire());

        var second = leases.Grant()!.Value;
        Assert.Equal(0, second.Shard);
        Assert.NotEqual(first.LeaseId, second.LeaseId);
        Assert.False(leases.Renew(0, first.LeaseId)); // the first worker lost it
        Assert.True(leases.Renew(0, second.LeaseId));
    }

    [Fact]
    public void A_renewal_extends_the_lease_from_now()
    {
        var leases = Table(0);
        var grant = leases.Grant()!.Value;

        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(leases.Renew(0, grant.LeaseId));
        _time.Advance(TimeSpan.FromSeconds(25)); // 45 s after the grant, 25 after the renewal
        Assert.Empty(leases.Expire());
        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal([0], leases.Expire());
    }

    [Fact]
    public void A_lease_the_table_does_not_know_is_kept_by_its_worker()
    {
        // Granted before the job's grain moved: the new table has the shard waiting and no lease.
        var leases = Table(0, 1);

        Assert.True(leases.Renew(1, "granted-before-the-move"));

        Assert.Equal((1, 1), (leases.Leased, leases.Pending));
        Assert.Equal(0, leases.Grant()!.Value.Shard);
        Assert.Null(leases.Grant()); // shard 1 is not handed out twice
    }

    [Fact]
    public void An_expired_lease_not_yet_handed_out_again_is_taken_back_by_its_renewal()
    {
        var leases = Table(0);
        var grant = leases.Grant()!.Value;
        _time.Advance(Duration + TimeSpan.FromSeconds(1));
        leases.Expire();

        Assert.True(leases.Renew(0, grant.LeaseId));

        Assert.Null(leases.Grant());
        Assert.Equal(1, leases.Leased);
    }

    [Fact]
    public void A_shard_handed_back_is_leased_again_but_only_its_holder_can_hand_it_back()
    {
        var leases = Table(0);
        var grant = leases.Grant()!.Value;

        leases.Release(0, "someone-else");
        Assert.Equal((1, 0), (leases.Leased, leases.Pending));

        leases.Release(0, grant.LeaseId);
        Assert.Equal((0, 1), (leases.Leased, leases.Pending));
        Assert.Equal(0, leases.Grant()!.Value.Shard);
    }

    [Fact]
    public void A_written_shard_is_neither_held_nor_handed_out_nor_expired_again()
    {
        var leases = Table(0, 1);
        leases.Grant();

        leases.Done(0);
        leases.Done(1);
        _time.Advance(Duration * 2);

        Assert.Empty(leases.Expire());
        Assert.Null(leases.Grant());
        Assert.Equal((0, 0), (leases.Leased, leases.Pending));
    }

    [Fact]
    public void Clearing_forgets_every_lease_and_waiting_shard()
    {
        var leases = Table(0, 1, 2);
        var grant = leases.Grant()!.Value;

        leases.Clear();

        Assert.Equal((0, 0), (leases.Leased, leases.Pending));
        Assert.Null(leases.Grant());
        leases.Release(0, grant.LeaseId);
        Assert.Equal(0, leases.Pending); // a late hand-back does not bring the shard back
    }
}
