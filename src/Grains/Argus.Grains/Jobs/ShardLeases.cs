namespace Argus.Grains.Jobs;

/// <summary>A shard handed out: its number, and the lease id that names its holder in renewals, reports and hand-backs.</summary>
internal readonly record struct ShardGrant(int Shard, string LeaseId);

/// <summary>
/// A job's lease table: the shards waiting to be handed out (lowest first) and the shards leased, each until its lease
/// expires unless renewed. A lease is named by its id, so a worker whose lease expired and went to another worker can
/// no longer renew it or hand it back. The table does not know which shards are written: the job asks it only about
/// shards that are not. Not thread-safe: the job's grain owns it.
/// </summary>
internal sealed class ShardLeases(TimeSpan duration, TimeProvider time)
{
    private readonly Dictionary<int, (string Id, DateTimeOffset Expires)> _leases = [];
    private readonly SortedSet<int> _pending = [];

    /// <summary>How long a lease lasts without a renewal.</summary>
    public TimeSpan Duration => duration;

    /// <summary>Shards leased now.</summary>
    public int Leased => _leases.Count;

    /// <summary>Shards waiting to be handed out.</summary>
    public int Pending => _pending.Count;

    /// <summary>Makes <paramref name="shards"/> wait to be handed out (newly planned, or left unwritten when the job restarted).</summary>
    public void Add(IEnumerable<int> shards) => _pending.UnionWith(shards);

    /// <summary>Forgets every lease and every waiting shard: their workers learn it at their next renewal.</summary>
    public void Clear()
    {
        _leases.Clear();
        _pending.Clear();
    }

    /// <summary>Leases the lowest waiting shard for <see cref="Duration"/>; null when none waits.</summary>
    public ShardGrant? Grant()
    {
        if (_pending.Count == 0)
        {
            return null;
        }

        var grant = new ShardGrant(_pending.Min, Guid.NewGuid().ToString("N"));
        _pending.Remove(grant.Shard);
        _leases[grant.Shard] = (grant.LeaseId, time.GetUtcNow() + duration);
        return grant;
    }

    /// <summary>
    /// Extends a lease by <see cref="Duration"/> from now. False when another lease holds the shard (this one expired and
    /// went to another worker). A lease the table does not know was granted before the job's grain moved or restarted,
    /// or expired without going to anyone else yet: its worker is still at the shard, so it keeps it.
    /// </summary>
    public bool Renew(int shard, string leaseId)
    {
        if (_leases.TryGetValue(shard, out var lease) && lease.Id != leaseId)
        {
            return false;
        }

        _pending.Remove(shard);
        _leases[shard] = (leaseId, time.GetUtcNow() + duration);
        return true;
    }

    /// <summary>Takes a shard back from its worker unfinished, to hand it out again; a lease that no longer holds it changes nothing.</summary>
    public void Release(int shard, string leaseId)
    {
        if (_leases.TryGetValue(shard, out var lease) && lease.Id == leaseId)
        {
            _leases.Remove(shard);
            _pending.Add(shard);
        }
    }

    /// <summary>The shard is written, by whichever worker: nobody needs to hold it or run it any more.</summary>
    public void Done(int shard)
    {
        _leases.Remove(shard);
        _pending.Remove(shard);
    }

    /// <summary>Ends the leases that were not renewed in time and makes their shards wait again; returns those shards.</summary>
    public IReadOnlyList<int> Expire()
    {
        var now = time.GetUtcNow();
        var expired = _leases.Where(l => l.Value.Expires < now).Select(l => l.Key).ToList();
        foreach (var shard in expired)
        {
            _leases.Remove(shard);
            _pending.Add(shard);
        }

        return expired;
    }
}
