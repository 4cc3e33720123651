namespace Argus.Inference.Batching;

/// <summary>Whom an item runs for, and that tenant's weight in its lane's fair share (<see cref="FairShare"/>).</summary>
/// <param name="Name">The tenant; null for callers without one, who share one queue per lane.</param>
/// <param name="Weight">Items the tenant may take per round when its lane is contended; positive.</param>
public readonly record struct BatchTenant(string? Name, double Weight)
{
    /// <summary>No tenant, weight 1.</summary>
    public static BatchTenant None => new(null, 1);

    /// <summary>The tenant's queue key; callers without a tenant share the empty key.</summary>
    internal string Key => Name ?? "";
}
