using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Argus.Devices;
using Argus.Grains.Hosting;
using Argus.Grains.Jobs;
using Argus.Grains.Scaling;
using Argus.Silo.Auth;
using Argus.Silo.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Providers;
using StackExchange.Redis;

namespace Argus.Silo.Hosting;

/// <summary>Everything the silo host registers, in one place.</summary>
public static class SiloHostExtensions
{
    /// <summary>
    /// Configures Orleans and the web server from <c>Argus:Silo</c> and <c>Argus:Redis</c>, API keys from
    /// <c>Argus:Auth</c>, telemetry from <c>Argus:Telemetry</c>, batch jobs from <c>Argus:Jobs</c>, the autoscaler and the
    /// drain from <c>Argus:Autoscale</c>. With no configuration: one silo on localhost clustering with in-memory grain
    /// storage and reminders, every endpoint open; with Redis, any number of silos form one cluster, with grain storage
    /// (and the alert streams' subscriptions, <c>PubSubStore</c>) and the jobs' reminders in Redis. In a Kubernetes pod
    /// (<see cref="ArgusSiloOptions.Kubernetes"/>), Orleans' Kubernetes hosting names the silo and its address after the pod.
    /// </summary>
    public static WebApplicationBuilder AddArgusSilo(this WebApplicationBuilder builder)
    {
        var options = ArgusSiloOptions.From(builder.Configuration);
        var auth = builder.Configuration.GetSection(ArgusAuthOptions.Section).Get<ArgusAuthOptions>() ?? new();
        var telemetry = builder.Configuration.GetSection(ArgusTelemetryOptions.Section).Get<ArgusTelemetryOptions>() ?? new();
        var jobs = builder.Configuration.GetSection(JobOptions.Section).Get<JobOptions>() ?? new();
        var autoscale = builder.Configuration.GetSection(AutoscaleOptions.Section);
        var failures = options.Validate().Concat(auth.Validate()).Concat(telemetry.Validate()).Concat(jobs.Validate())
            .Concat((autoscale.Get<AutoscaleOptions>() ?? new()).Validate()).ToList();
        if (failures.Count > 0)
        {
            throw new InvalidOperationException("Invalid configuration:\n" + string.Join('\n', failures));
        }

        builder.Services.AddSingleton(options);
        builder.Services.Configure<AutoscaleOptions>(autoscale);
        builder.Services.AddArgusAuth(auth);
        builder.AddArgusTelemetry(telemetry, options.Name);
        builder.Services.Configure<KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = options.MaxRequestBytes);
        builder.Services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = options.MaxRequestBytes);
        builder.Services.ConfigureHttpJsonOptions(j => UseArgusJson(j.SerializerOptions));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<DeviceTable>();

        builder.UseOrleans(silo =>
        {
            silo.Configure<SiloOptions>(o => o.SiloName = options.Name);
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterIdentity.ClusterId;
                o.ServiceId = ClusterIdentity.ServiceId;
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ClusterIdentity.CallTimeout);
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = jobs.ReminderPeriod);
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromMilliseconds(options.ProbeTimeoutMs);
                o.NumMissedProbesLimit = options.MissedProbesLimit;
            });
            if (string.IsNullOrWhiteSpace(options.Redis))
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort);
                silo.AddMemoryGrainStorageAsDefault();
                silo.AddMemoryGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME);
                silo.UseInMemoryReminderService();
            }
            else
            {
                var redis = ConfigurationOptions.Parse(options.Redis);
                if (options.Kubernetes == true)
                {
                    // The hosting advertises the pod's address and listens on every address of the pod.
                    silo.Configure<EndpointOptions>(o =>
                    {
                        o.SiloPort = options.SiloPort;
                        o.GatewayPort = options.GatewayPort;
                    });
                    silo.UseKubernetesHosting();
                }
                else
                {
                    silo.ConfigureEndpoints(IPAddress.Parse(options.AdvertisedAddress), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
                }

                silo.UseRedisClustering(o => o.ConfigurationOptions = redis);
                silo.AddRedisGrainStorageAsDefault(o => o.ConfigurationOptions = redis);
                silo.AddRedisGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME, o => o.ConfigurationOptions = redis);
                silo.UseRedisReminderService(o => o.ConfigurationOptions = redis);
            }

            silo.AddDashboard();
            silo.AddActivityPropagation(); // a grain call continues its caller's trace (spans only while someone traces)
            silo.AddArgus();
        });
        return builder;
    }

    /// <summary>The v1 API's JSON: snake_case names and dictionary keys, enums as snake_case strings, nulls left out.</summary>
    internal static JsonSerializerOptions UseArgusJson(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        json.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        json.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        return json;
    }

    /// <summary>
    /// Maps the HTTP API (inference, cameras, batch jobs and the autoscaler's decision), the Open Inference Protocol, health, <c>/metrics</c>, the dashboard
    /// and, with API keys, the login page; every endpoint but health and login needs a key when keys are set.
    /// </summary>
    public static WebApplication MapArgus(this WebApplication app)
    {
        var auth = app.Services.GetRequiredService<ArgusAuthOptions>();
        app.UseV1ErrorBodies();
        app.UseAuthentication();
        app.UseAuthorization();
        if (auth.Enabled)
        {
            app.MapLoginEndpoints();
        }

        app.MapHealthEndpoints();
        app.MapArgusMetrics(auth);
        app.MapInferenceEndpoints();
        app.MapOpenInferenceEndpoints();
        app.MapCameraEndpoints();
        app.MapJobEndpoints();
        app.MapAutoscaleEndpoints();
        app.MapOrleansDashboard(routePrefix: "/dashboard");
        return app;
    }
}
