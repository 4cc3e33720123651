using Argus.Inference;
using Argus.Inference.Telemetry;
using Argus.Silo.Auth;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace Argus.Silo.Hosting;

/// <summary>OpenTelemetry for the silo: metrics at <c>/metrics</c>, and traces and metrics over OTLP when configured.</summary>
public static class TelemetryExtensions
{
    /// <summary>
    /// The meters <c>/metrics</c> shows: Argus' own, Orleans', ASP.NET Core's HTTP server metrics and .NET's runtime
    /// metrics (process CPU time, bytes allocated, GC pauses), which price a request in core-µs and bytes.
    /// </summary>
    private static readonly string[] Meters = [ArgusTelemetry.MeterName, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "System.Runtime"];

    /// <summary>
    /// The series each instrument of the other meters may hold (their tags are grain types, routes and status codes);
    /// past it their points add up in one overflow series. OpenTelemetry allocates each instrument's limit up front: at
    /// its default of 2000, the ≈ 320 instruments of these meters held 56 MB of a silo's heap. Argus' own (a series per
    /// camera, tenant or model) keep the default.
    /// </summary>
    private const int OtherMetersSeriesLimit = 256;

    /// <summary>Paths polled by machines or browsers, whose requests would bury the traces worth reading.</summary>
    private static readonly string[] UntracedPaths = ["/metrics", "/healthz", "/readyz", "/v2/health", "/dashboard", LoginEndpoints.Path];

    /// <summary>
    /// Adds the Prometheus exporter for <see cref="Meters"/> (subscribed by name, so any instrument on the Argus meter
    /// shows up) and, when an OTLP endpoint is configured, tracing (ASP.NET Core's request span, Orleans' grain-call
    /// spans, Argus' batch spans) and the OTLP exporter for traces and metrics, with <see cref="ArgusTelemetryOptions"/>
    /// from <c>Argus:Telemetry</c>, validated at start. Calling it twice is harmless.
    /// </summary>
    public static WebApplicationBuilder AddArgusTelemetry(this WebApplicationBuilder builder)
    {
        if (builder.Services.Any(s => s.ServiceType == typeof(IValidateOptions<ArgusTelemetryOptions>)))
        {
            return builder;
        }

        builder.Services.AddArgusOptions<ArgusTelemetryOptions, ArgusTelemetryOptionsValidator>(ArgusTelemetryOptions.Section);
        // Whether there are traces to export decides which providers exist, so it is read while the host is built;
        // a wrong address is refused at start, before any exporter reads it.
        if (builder.Configuration.GetSection(ArgusTelemetryOptions.Section)[nameof(ArgusTelemetryOptions.OtlpEndpoint)] is { Length: > 0 } endpoint)
        {
            builder.Configuration.AddInMemoryCollection([new(ArgusTelemetryOptions.OtlpEndpointVariable, endpoint)]);
        }

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddDetector(s => new ServiceResource(
                s.GetRequiredService<IOptions<ArgusTelemetryOptions>>(), s.GetRequiredService<IOptions<ArgusSiloOptions>>())))
            // No response cache (300 ms by default): every scrape reads the queues as they are at that moment.
            .WithMetrics(m => m.AddMeter(Meters)
                .AddView(i => i.Meter.Name == ArgusTelemetry.MeterName ? null : new MetricStreamConfiguration { CardinalityLimit = OtherMetersSeriesLimit })
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        if (string.IsNullOrWhiteSpace(builder.Configuration[ArgusTelemetryOptions.OtlpEndpointVariable]))
        {
            return builder;
        }

        otel.WithMetrics(m => m.AddOtlpExporter())
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = c => !UntracedPaths.Any(p => c.Request.Path.StartsWithSegments(p)))
                .AddSource(ArgusTelemetry.ActivitySourceName, ActivitySources.ApplicationGrainActivitySourceName, ActivitySources.RuntimeActivitySourceName)
                .AddOtlpExporter());
        return builder;
    }

    /// <summary>Maps <c>/metrics</c>: it needs a key with the <c>admin</c> role unless <see cref="ArgusAuthOptions.OpenMetrics"/>.</summary>
    public static WebApplication MapArgusMetrics(this WebApplication app)
    {
        var metrics = app.MapPrometheusScrapingEndpoint();
        if (app.Services.GetRequiredService<IOptions<ArgusAuthOptions>>().Value.OpenMetrics)
        {
            metrics.AllowAnonymous();
        }
        else
        {
            metrics.RequireAuthorization(ArgusRoles.Admin);
        }

        return app;
    }

    /// <summary>The silo's <c>service.name</c> and, as its instance, the silo's name.</summary>
    private sealed class ServiceResource(IOptions<ArgusTelemetryOptions> telemetry, IOptions<ArgusSiloOptions> silo) : IResourceDetector
    {
        public Resource Detect()
        {
            try
            {
                return ResourceBuilder.CreateEmpty().AddService(telemetry.Value.ServiceName, serviceInstanceId: silo.Value.Name).Build();
            }
            catch (OptionsValidationException)
            {
                // The start-up check builds the meter provider while it validates; a wrong configuration is listed
                // there with all its failures and the silo exports nothing.
                return Resource.Empty;
            }
        }
    }
}
