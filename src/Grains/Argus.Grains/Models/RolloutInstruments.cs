using System.Diagnostics.Metrics;
using Argus.Inference.Telemetry;
using Argus.Models;

namespace Argus.Grains.Models;

/// <summary>
/// The rollout series on the <see cref="ArgusTelemetry.MeterName"/> meter, labelled by model and version: what this
/// silo's door answered and copied per version (from its <see cref="RolloutRecorder"/>), the last period's latency
/// quantiles, agreement with stable, and automatic rollbacks.
/// </summary>
internal sealed class RolloutInstruments
{
    private readonly Counter<long> _rollbacks;
    private readonly Counter<long> _reportFailures;

    public RolloutInstruments(IMeterFactory meters, RolloutRecorder recorder)
    {
        var meter = meters.Create(ArgusTelemetry.MeterName);
        meter.CreateObservableCounter("argus.rollout.items", () => Each(recorder, t => t.Items), null,
            "Items answered per model version (traffic=served) and copies run in the batch lane (traffic=shadow).");
        meter.CreateObservableCounter("argus.rollout.errors", () => Each(recorder, t => t.Errors), null,
            "Items failed for the version's own reasons (not bad input, not a caller's cancellation).");
        meter.CreateObservableCounter("argus.rollout.dropped", () => Each(recorder, t => t.Dropped), null,
            "Shadow and comparison copies dropped because the devices were full.");
        meter.CreateObservableGauge("argus.rollout.agreement", () => Agreement(recorder), null,
            "Mean agreement with stable on the same inputs since start: top-1 (classification), cosine (embedding), box F1 at IoU 0.5 (detection).");
        meter.CreateObservableGauge("argus.rollout.latency_ms", () => Latency(recorder), null,
            "The caller-side latency quantiles of the last report period (about a second), per model version.");
        _rollbacks = meter.CreateCounter<long>("argus.rollout.rollbacks", null, "Canaries rolled back automatically.");
        _reportFailures = meter.CreateCounter<long>("argus.rollout.report_failures", null,
            "Periods of figures this silo could not hand to a rollout grain (lost; the rollout's window refills).");
    }

    public void ReportFailed() => _reportFailures.Add(1);

    public void RolledBack(string model, string version) =>
        _rollbacks.Add(1, new("model", model), new("version", version));

    private static IEnumerable<Measurement<long>> Each(RolloutRecorder recorder, Func<VersionTotals, long> value) =>
        recorder.Totals().Select(t => new Measurement<long>(value(t), Tags(t)));

    private static IEnumerable<Measurement<double>> Agreement(RolloutRecorder recorder) =>
        recorder.Totals().Where(t => t.AgreementItems > 0)
            .Select(t => new Measurement<double>(t.AgreementSum / t.AgreementItems, new("model", t.Model), new("version", t.Version)));

    private static IEnumerable<Measurement<double>> Latency(RolloutRecorder recorder) =>
        from t in recorder.Totals()
        where !t.Shadow && t.LastLatency.Count > 0
        from q in new[] { 0.5, 0.95, 0.99 }
        select new Measurement<double>(t.LastLatency.Quantile(q), new("model", t.Model), new("version", t.Version), new("quantile", q.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static KeyValuePair<string, object?>[] Tags(VersionTotals t) =>
        [new("model", t.Model), new("version", t.Version), new("traffic", t.Shadow ? "shadow" : "served")];
}
