namespace Argus.LoadTesting.Planning;

/// <summary>One batch size as one device would serve it, with the latency the planner expects of it.</summary>
/// <param name="BatchSize">Items per batch (<c>MaxBatchSize</c>).</param>
/// <param name="BatchMs">How long one batch of this size runs, from the latency curve.</param>
/// <param name="ItemsPerSecond">What one device sustains when every batch is this full.</param>
/// <param name="MaxDelayMs">The batching window to configure (<c>MaxDelayMs</c>): one batch time.</param>
/// <param name="EstimatedP95Ms">The planner's estimate of an item's p95 latency on a device near capacity.</param>
/// <param name="Fits">Whether the estimate is within the target.</param>
public sealed record BatchCandidate(
    int BatchSize, double BatchMs, double ItemsPerSecond, double MaxDelayMs, double EstimatedP95Ms, bool Fits);

/// <summary>How many devices serve a target rate.</summary>
/// <param name="TargetRate">The rate to serve, in items per second.</param>
/// <param name="Devices">Devices needed, each planned at no more than <see cref="CapacityPlanner.PlannedUtilisation"/>.</param>
/// <param name="Utilisation">The share of the devices' capacity the rate uses.</param>
public sealed record DevicePlan(double TargetRate, int Devices, double Utilisation);

/// <summary>
/// The planner's answer: every batch size considered, the recommended one (or none, when no batch size keeps the
/// estimate within the target), and what to configure and watch.
/// </summary>
/// <param name="Profile">The latency curve's name.</param>
/// <param name="P95TargetMs">The p95 latency target.</param>
/// <param name="Candidates">Every batch size considered, smallest first.</param>
/// <param name="Recommended">The batch size to configure; null when nothing fits the target.</param>
/// <param name="Fastest">The option with the lowest estimated p95, which is what is left when nothing fits.</param>
/// <param name="QueueBound">Items to let a device queue (<c>QueueCapacity</c>) with the chosen option.</param>
/// <param name="Devices">Devices for the target rate, with the chosen option; null without a rate.</param>
/// <param name="Advice">What to configure and how to meet bursts, in sentences.</param>
public sealed record CapacityPlan(
    string Profile,
    double P95TargetMs,
    IReadOnlyList<BatchCandidate> Candidates,
    BatchCandidate? Recommended,
    BatchCandidate Fastest,
    int QueueBound,
    DevicePlan? Devices,
    IReadOnlyList<string> Advice)
{
    /// <summary>Whether some batch size keeps the estimated p95 within the target.</summary>
    public bool Feasible => Recommended is not null;

    /// <summary>The option the queue bound and device count are planned with: the recommendation, else the fastest.</summary>
    public BatchCandidate Choice => Recommended ?? Fastest;
}
