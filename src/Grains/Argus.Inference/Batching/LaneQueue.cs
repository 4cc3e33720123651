namespace Argus.Inference.Batching;

/// <summary>
/// One lane of one model: a FIFO per tenant, taken across tenants by weight (<see cref="FairShare"/>), so a tenant that
/// floods the lane cannot take another's share. Only tenants with waiting items are kept. Not thread-safe: the batcher
/// holds its gate.
/// </summary>
internal sealed class LaneQueue
{
    private const int MaxSpare = 8;
    private readonly Dictionary<string, TenantQueue> _byTenant = new(StringComparer.Ordinal);
    private readonly List<TenantQueue> _tenants = [];

    // Tenants leave the round whenever their queues empty, which at light load is after every item: their queues are reused.
    private readonly Stack<TenantQueue> _spare = new();
    private TenantTurn[] _turns = new TenantTurn[4];
    private int _cursor;

    /// <summary>Items waiting, all tenants together.</summary>
    public int Count { get; private set; }

    /// <summary>When the oldest waiting item arrived; only when <see cref="Count"/> is positive.</summary>
    public DateTime OldestEnqueuedAt
    {
        get
        {
            var oldest = DateTime.MaxValue;
            foreach (var t in _tenants)
            {
                var first = t.Items.First!.Value.EnqueuedAt;
                if (first < oldest)
                {
                    oldest = first;
                }
            }

            return oldest;
        }
    }

    /// <summary>Items <paramref name="tenant"/> has waiting here.</summary>
    public int CountOf(string tenant) => _byTenant.TryGetValue(tenant, out var queue) ? queue.Items.Count : 0;

    /// <summary>
    /// The items that run here before a new item of <paramref name="tenant"/>: its own waiting items and, of every other
    /// tenant, at most its weighted share (<see cref="FairShare.ShareAhead"/>).
    /// </summary>
    public int CountAhead(BatchTenant tenant)
    {
        var own = CountOf(tenant.Key);
        var ahead = own;
        foreach (var t in _tenants)
        {
            if (!string.Equals(t.Tenant, tenant.Key, StringComparison.Ordinal))
            {
                ahead += FairShare.ShareAhead(own, tenant.Weight, t.Items.Count, t.Weight);
            }
        }

        return ahead;
    }

    /// <summary>Queues an item behind its tenant's; a tenant new to the lane joins the round at its end.</summary>
    public void Add(BatchItem item, BatchTenant tenant)
    {
        if (!_byTenant.TryGetValue(tenant.Key, out var queue))
        {
            queue = _spare.TryPop(out var spare) ? spare : new TenantQueue();
            queue.Tenant = tenant.Key;
            _byTenant.Add(tenant.Key, queue);
            _tenants.Add(queue);
        }

        queue.Weight = tenant.Weight;
        item.Queue = this;
        item.Node = queue.Items.AddLast(item);
        Count++;
    }

    /// <summary>Takes up to <paramref name="count"/> items across tenants by deficit round robin into <paramref name="batch"/>.</summary>
    public void Take(int count, List<BatchItem> batch)
    {
        var n = _tenants.Count;
        if (_turns.Length < n)
        {
            _turns = new TenantTurn[Math.Max(n, _turns.Length * 2)];
        }

        var turns = _turns.AsSpan(0, n);
        for (var i = 0; i < n; i++)
        {
            turns[i] = new TenantTurn { Waiting = _tenants[i].Items.Count, Weight = _tenants[i].Weight, Deficit = _tenants[i].Deficit };
        }

        FairShare.Pick(turns, ref _cursor, count);
        for (var i = 0; i < n; i++)
        {
            var queue = _tenants[i];
            queue.Deficit = turns[i].Deficit;
            for (var k = 0; k < turns[i].Take; k++)
            {
                var item = queue.Items.First!.Value;
                queue.Items.RemoveFirst();
                Detach(item);
                batch.Add(item);
            }
        }

        for (var i = n - 1; i >= 0; i--)
        {
            if (_tenants[i].Items.Count == 0)
            {
                Drop(i);
            }
        }
    }

    /// <summary>Takes a waiting item out of its tenant's queue.</summary>
    public void Remove(BatchItem item)
    {
        var queue = _byTenant[item.Tenant];
        queue.Items.Remove(item.Node!);
        Detach(item);
        if (queue.Items.Count == 0)
        {
            Drop(_tenants.IndexOf(queue));
        }
    }

    /// <summary>Takes every waiting item.</summary>
    public void Clear(List<BatchItem> taken)
    {
        foreach (var queue in _tenants)
        {
            foreach (var item in queue.Items)
            {
                item.Node = null;
                item.Queue = null;
                taken.Add(item);
            }
        }

        foreach (var queue in _tenants)
        {
            Recycle(queue);
        }

        _tenants.Clear();
        _byTenant.Clear();
        _cursor = 0;
        Count = 0;
    }

    private void Recycle(TenantQueue queue)
    {
        if (_spare.Count < MaxSpare)
        {
            queue.Items.Clear();
            queue.Deficit = 0;
            _spare.Push(queue);
        }
    }

    private void Detach(BatchItem item)
    {
        item.Node = null;
        item.Queue = null;
        Count--;
    }

    // A tenant whose queue empties leaves the round (its deficit with it); the cursor keeps pointing at the same tenant.
    private void Drop(int index)
    {
        _byTenant.Remove(_tenants[index].Tenant);
        Recycle(_tenants[index]);
        _tenants.RemoveAt(index);
        if (index < _cursor)
        {
            _cursor--;
        }

        if (_cursor >= _tenants.Count)
        {
            _cursor = 0;
        }
    }
}
