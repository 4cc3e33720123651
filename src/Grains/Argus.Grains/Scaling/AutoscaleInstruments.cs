using System.Diagnostics.Metrics;
using Argus.Inference.Telemetry;
using Argus.Scaling;

namespace Argus.Grains.Scaling;

/// <summary>
/// The autoscaler's gauges on the <see cref="ArgusTelemetry.MeterName"/> meter, as this silo last read the decision
/// (<see cref="AutoscaleMonitor"/>); every silo exports the same values. No unit, so Prometheus names them exactly
/// <c>argus_autoscale_desired_replicas</c> and so on, the names deploy/k8s/scaling follows.
/// </summary>
internal sealed class AutoscaleInstruments
{
    private volatile AutoscaleStatus? _latest;

    public AutoscaleInstruments(IMeterFactory meters)
    {
        var meter = meters.Create(ArgusTelemetry.MeterName);
        Gauge(meter, "argus.autoscale.desired_replicas", "Silos the autoscaler wants the cluster to have.", s => s.Desired);
        Gauge(meter, "argus.autoscale.current_replicas", "Active silos in the cluster's membership.", s => s.Current);
        Gauge(meter, "argus.autoscale.in_flight", "Items at every device of the cluster, averaged over the autoscaler's look-back window.", s => s.AverageInFlight);
        Gauge(meter, "argus.autoscale.queue_depth", "Items waiting in every device's queues of the cluster.", s => s.QueueDepth);
    }

    /// <summary>The decision the gauges show from now on.</summary>
    public void Observe(AutoscaleStatus status) => _latest = status;

    private void Gauge(Meter meter, string name, string description, Func<AutoscaleStatus, double> value) =>
        meter.CreateObservableGauge(name, () => Measure(value), unit: null, description);

    private IEnumerable<Measurement<double>> Measure(Func<AutoscaleStatus, double> value) =>
        _latest is { } s ? [new Measurement<double>(value(s))] : [];
}
