namespace Argus.Inference.Batching;

/// <summary>What the fair share sees of one tenant's queue in a lane, and what it decides for it.</summary>
internal struct TenantTurn
{
    /// <summary>Items the tenant has waiting.</summary>
    public int Waiting;

    /// <summary>The tenant's weight: the items it may take per round.</summary>
    public double Weight;

    /// <summary>Items the tenant may still take in its current turn (deficit round robin's deficit counter).</summary>
    public double Deficit;

    /// <summary>Set by <see cref="FairShare.Pick"/>: items to take from the head of the tenant's queue.</summary>
    public int Take;
}

/// <summary>How a lane is shared among tenants, as pure functions: deficit round robin by weight, one item per unit.</summary>
internal static class FairShare
{
    /// <summary>
    /// Picks up to <paramref name="count"/> items across <paramref name="tenants"/> by deficit round robin, starting at
    /// <paramref name="cursor"/>: each turn grants a tenant its weight in items (a fraction carries over to its next turn),
    /// it takes what its deficit allows, and the turn passes on. A tenant whose queue empties loses what is left of its
    /// deficit, so an idle tenant never saves up a burst. When the batch fills in the middle of a turn, the cursor stays,
    /// and the next batch goes on with that turn. Returns the items picked, each tenant's share in its
    /// <see cref="TenantTurn.Take"/>.
    /// </summary>
    public static int Pick(Span<TenantTurn> tenants, ref int cursor, int count)
    {
        var waiting = 0;
        for (var i = 0; i < tenants.Length; i++)
        {
            tenants[i].Take = 0;
            waiting += tenants[i].Waiting;
        }

        if (cursor >= tenants.Length)
        {
            cursor = 0;
        }

        var goal = Math.Min(count, waiting);
        var taken = 0;
        while (taken < goal)
        {
            ref var t = ref tenants[cursor];
            var left = t.Waiting - t.Take;
            if (left == 0)
            {
                t.Deficit = 0;
                cursor = (cursor + 1) % tenants.Length;
                continue;
            }

            if (t.Deficit < 1)
            {
                t.Deficit += t.Weight;
            }

            var n = (int)Math.Min(Math.Min(Math.Floor(t.Deficit), left), goal - taken);
            t.Take += n;
            t.Deficit -= n;
            taken += n;
            if (t.Take == t.Waiting)
            {
                t.Deficit = 0;
                cursor = (cursor + 1) % tenants.Length;
            }
            else if (t.Deficit < 1)
            {
                cursor = (cursor + 1) % tenants.Length;
            }
        }

        return taken;
    }

    /// <summary>
    /// How many of another tenant's <paramref name="otherWaiting"/> items run before a new item of a tenant that has
    /// <paramref name="ownWaiting"/> items waiting: the rounds that new item waits for, times the other's weight per
    /// round, and never more than the other has.
    /// </summary>
    public static int ShareAhead(int ownWaiting, double ownWeight, int otherWaiting, double otherWeight)
    {
        var share = Math.Ceiling((ownWaiting + 1) * otherWeight / ownWeight);
        return share >= otherWaiting ? otherWaiting : (int)share;
    }
}
