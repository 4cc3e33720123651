namespace Argus.Inference.Batching;

/// <summary>One tenant's items in one lane of one model, oldest first, with its place in the lane's round robin.</summary>
internal sealed class TenantQueue(string tenant)
{
    public string Tenant { get; } = tenant;

    public LinkedList<BatchItem> Items { get; } = new();

    /// <summary>The weight of the tenant's latest item.</summary>
    public double Weight { get; set; } = 1;

    /// <summary>Deficit round robin's counter; see <see cref="FairShare.Pick"/>.</summary>
    public double Deficit { get; set; }
}
