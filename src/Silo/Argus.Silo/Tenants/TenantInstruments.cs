using System.Diagnostics.Metrics;
using Argus.Inference.Telemetry;

namespace Argus.Silo.Tenants;

/// <summary>The tenants' series on the <see cref="ArgusTelemetry.MeterName"/> meter: requests refused over their rate.</summary>
internal sealed class TenantInstruments
{
    private readonly Counter<long> _throttled;

    public TenantInstruments(IMeterFactory meters)
    {
        var meter = meters.Create(ArgusTelemetry.MeterName);
        _throttled = meter.CreateCounter<long>(
            "argus.tenant.throttled", null, "Inference requests refused with 429 because their tenant was over its rate (tenant=\"\": no tenant).");
    }

    public void Throttled(string? tenant) => _throttled.Add(1, new KeyValuePair<string, object?>("tenant", tenant ?? ""));
}
