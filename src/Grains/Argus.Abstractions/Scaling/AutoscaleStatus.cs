namespace Argus.Scaling;

/// <summary>The autoscaler's latest decision, as <c>GET /v1/autoscale</c> and the <c>argus_autoscale_*</c> gauges publish it.</summary>
/// <param name="Desired">The number of silos the cluster should have.</param>
/// <param name="Current">Active silos in the cluster's membership now (draining ones included until they leave).</param>
/// <param name="MinSilos">The lower bound of <paramref name="Desired"/>.</param>
/// <param name="MaxSilos">The upper bound of <paramref name="Desired"/>.</param>
/// <param name="Devices">Devices reporting, draining ones included.</param>
/// <param name="DrainingSilos">Silos that are stopping and take no new work.</param>
/// <param name="QueueDepth">Items waiting in every device's queues at the latest sample.</param>
/// <param name="InFlight">Items at every device (queued, prepared or running) at the latest sample.</param>
/// <param name="AverageInFlight">The mean of <paramref name="InFlight"/> over the look-back window: what the decision uses.</param>
/// <param name="TargetInFlightPerDevice">In-flight items each device should hold.</param>
/// <param name="Reason">Why <paramref name="Desired"/> is what it is, in words.</param>
/// <param name="At">When the sample was taken.</param>
[GenerateSerializer, Immutable, Alias("Argus.Scaling.AutoscaleStatus")]
public sealed record AutoscaleStatus(
    [property: Id(0)] int Desired,
    [property: Id(1)] int Current,
    [property: Id(2)] int MinSilos,
    [property: Id(3)] int MaxSilos,
    [property: Id(4)] int Devices,
    [property: Id(5)] int DrainingSilos,
    [property: Id(6)] int QueueDepth,
    [property: Id(7)] int InFlight,
    [property: Id(8)] double AverageInFlight,
    [property: Id(9)] double TargetInFlightPerDevice,
    [property: Id(10)] string Reason,
    [property: Id(11)] DateTimeOffset At);
