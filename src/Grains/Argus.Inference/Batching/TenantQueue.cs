namespace Argus.Inference.Batching;

/// <summary>One tenant's items in one lane of one model, oldest first, with its place in the lane's round robin.</summary>
internal sealed class TenantQueue
{
    /// <summary>Its tenant's key (<see cref="BatchTenant.Key"/>); set when the queue joins a lane's round.</summary>
    public string Tenant { get; set; } = "";

    public LinkedList<BatchItem> Items { get; } = new();

    /// <summary>The weight of the tenant's latest item.</summary>
    public double Weight { get; set; } = 1;

    /// <summary>Deficit round robin's counter; see <see cref="FairShare.Pick"/>.</summary>
    public double Deficit { get; set; }
}
