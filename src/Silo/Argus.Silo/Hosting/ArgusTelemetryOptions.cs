namespace Argus.Silo.Hosting;

/// <summary>Where traces and metrics go besides <c>/metrics</c> (<c>Argus:Telemetry</c>).</summary>
public sealed class ArgusTelemetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Argus:Telemetry";

    /// <summary>The standard variable <see cref="OtlpEndpoint"/> stands for.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// An OpenTelemetry collector's OTLP address (e.g. <c>http://collector:4317</c>) that traces and metrics are exported
    /// to; the same as setting <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, whose companions (<c>OTEL_EXPORTER_OTLP_PROTOCOL</c>,
    /// <c>…_HEADERS</c>, <c>OTEL_BSP_SCHEDULE_DELAY</c>, …) apply as usual. Unset, and no such variable: nothing is
    /// exported and no spans are recorded.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>The name the silo's telemetry carries as <c>service.name</c>. Default <c>argus</c>.</summary>
    public string ServiceName { get; set; } = "argus";
}
