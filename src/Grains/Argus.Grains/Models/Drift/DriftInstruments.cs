using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Argus.Inference.Telemetry;
using Argus.Models;

namespace Argus.Grains.Models.Drift;

/// <summary>
/// The drift series on the <see cref="ArgusTelemetry.MeterName"/> meter, labelled by model and version: the last tested
/// window's score and p-value of each version this silo's flushes heard back about (every silo exports what it last
/// heard, so any one scrape shows each version a silo samples), alarms raised by the monitors this silo hosts, and the
/// samples and flushes lost.
/// </summary>
internal sealed class DriftInstruments
{
    private readonly ConcurrentDictionary<(string Model, string Version), DriftStatus> _statuses = new();
    private readonly Counter<long> _alarms;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _flushFailures;

    public DriftInstruments(IMeterFactory meters)
    {
        var meter = meters.Create(ArgusTelemetry.MeterName);
        meter.CreateObservableGauge("argus.drift.score", () => Each(s => s.Score), null,
            "The last tested window's drift statistic per model version: MMD² for vector outputs, Jensen–Shannon divergence (bits) for classes and counts.");
        meter.CreateObservableGauge("argus.drift.p_value", () => Each(s => s.PValue), null,
            "The last tested window's permutation p-value per model version; below the configured alpha the window drifted.");
        _alarms = meter.CreateCounter<long>("argus.drift.alarms", null, "Drift alarms raised: enough windows in a row drifted.");
        _dropped = meter.CreateCounter<long>("argus.drift.samples.dropped", null, "Sampled outputs dropped because the silo's drift buffer was full.");
        _flushFailures = meter.CreateCounter<long>("argus.drift.flush_failures", null,
            "Batches of samples this silo could not hand to a drift monitor (lost; the window refills).");
    }

    /// <summary>Keeps a version's status, as a flush heard it back, for the gauges.</summary>
    public void Reported(DriftStatus status) => _statuses[(status.Model, status.Version)] = status;

    public void AlarmRaised(string model, string version) => _alarms.Add(1, new("model", model), new("version", version));

    public void Dropped() => _dropped.Add(1);

    public void FlushFailed() => _flushFailures.Add(1);

    private IEnumerable<Measurement<double>> Each(Func<DriftStatus, double?> value) =>
        from s in _statuses.Values
        let v = value(s)
        where v is not null
        select new Measurement<double>(v.Value, new("model", s.Model), new("version", s.Version));
}
