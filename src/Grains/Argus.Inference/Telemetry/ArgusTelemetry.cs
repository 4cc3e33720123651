namespace Argus.Inference.Telemetry;

/// <summary>The names Argus' instruments and traces are published under; exporters subscribe by these names.</summary>
public static class ArgusTelemetry
{
    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> name of every Argus instrument.</summary>
    public const string MeterName = "Argus";

    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> name of Argus' spans.</summary>
    public const string ActivitySourceName = "Argus";
}
