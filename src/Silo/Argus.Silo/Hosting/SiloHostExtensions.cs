using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Argus.Devices;
using Argus.Grains.Hosting;
using Argus.Grains.Pipelines;
using Argus.Inference;
using Argus.Security;
using Argus.Silo.Auth;
using Argus.Silo.Grpc;
using Argus.Silo.Http;
using Argus.Silo.Http.OpenInference;
using Argus.Silo.Tenants;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Providers;
using StackExchange.Redis;

namespace Argus.Silo.Hosting;

/// <summary>Everything the silo host registers, in one place.</summary>
public static class SiloHostExtensions
{
    /// <summary>
    /// Configures Orleans and the web server from <c>Argus:Silo</c> and <c>Argus:Redis</c>, TLS (HTTPS and Orleans' mutual
    /// TLS) from <c>Argus:Tls</c>, the gRPC port from <c>Argus:Grpc</c>, API keys from <c>Argus:Auth</c>, telemetry from <c>Argus:Telemetry</c>, batch jobs from <c>Argus:Jobs</c>, the autoscaler and the
    /// drain from <c>Argus:Autoscale</c>. With no configuration: one silo on localhost clustering with in-memory grain
    /// storage and reminders, every endpoint open; with Redis, any number of silos form one cluster, with grain storage
    /// (and the alert streams' subscriptions, <c>PubSubStore</c>) and the jobs' reminders in Redis. In a Kubernetes pod
    /// (<see cref="ArgusSiloOptions.Kubernetes"/>), Orleans' Kubernetes hosting names the silo and its address after the pod.
    /// </summary>
    public static WebApplicationBuilder AddArgusSilo(this WebApplicationBuilder builder)
    {
        if (builder.Services.Any(s => s.ImplementationType == typeof(ArgusSiloOptionsValidator)))
        {
            return builder;
        }

        builder.Services.AddArgusOptions<ArgusSiloOptions, ArgusSiloOptionsValidator>(ArgusSiloOptions.Section)
            .PostConfigure<IConfiguration>(ArgusSiloOptions.Settle);
        // The endpoints take the options as they are, validated.
        builder.Services.AddSingleton(s => s.GetRequiredService<IOptions<ArgusSiloOptions>>().Value);
        builder.Services.AddArgusAuth();
        builder.AddArgusTelemetry();
        builder.Services.AddOptions<FormOptions>().Configure<ArgusSiloOptions>((form, silo) => form.MultipartBodyLengthLimit = silo.MaxRequestBytes);
        builder.Services.ConfigureHttpJsonOptions(j => UseArgusJson(j.SerializerOptions));
        builder.Services.TryAddSingleton(TimeProvider.System);
        // Replaces the factory Kestrel registered (it takes the last one registered).
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, SocketBlockPoolFactory>();
        builder.Services.TryAddSingleton<DeviceTable>();
        builder.Services.AddSingleton<TenantInstruments>();
        builder.Services.AddSingleton<TenantLimiter>();
        builder.Services.AddHttpClient(WebhookPoster.Client, c => c.Timeout = WebhookPoster.Timeout);
        builder.Services.AddSingleton<IWebhookPoster, WebhookPoster>();

        var shape = ArgusSiloOptions.Shape(builder.Configuration);
        var tls = builder.AddArgusTls();
        var grpcPort = builder.AddArgusGrpc();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
        {
            // Kestrel keeps one defaults action: each rule for every endpoint is here. gRPC's port speaks HTTP/2 alone,
            // so that h2c (prior knowledge) works without TLS.
            if (listen.IPEndPoint?.Port == grpcPort)
            {
                listen.Protocols = HttpProtocols.Http2;
            }

            if (tls is not null)
            {
                listen.UseHttps(tls.Value.Certificate);
            }
        }));
        builder.UseOrleans(silo =>
        {
            if (tls is not null)
            {
                silo.UseTls(o => TlsCertificates.Configure(o, () => tls.Value));
            }

            silo.Services.AddOptions<SiloOptions>().Configure<ArgusSiloOptions>((o, argus) => o.SiloName = argus.Name);
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterIdentity.ClusterId;
                o.ServiceId = ClusterIdentity.ServiceId;
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ClusterIdentity.CallTimeout);
            // Where other silos' grains live, for the most recently called of them. Orleans sizes the cache's table for
            // its default of a million up front (≈ 19 MB per silo); a silo calls far fewer remote grains than that.
            silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = 100_000);
            silo.Services.AddOptions<ClusterMembershipOptions>().Configure<ArgusSiloOptions>((o, argus) =>
            {
                o.ProbeTimeout = TimeSpan.FromMilliseconds(argus.ProbeTimeoutMs);
                o.NumMissedProbesLimit = argus.MissedProbesLimit;
            });
            if (string.IsNullOrWhiteSpace(shape.Redis))
            {
                silo.UseLocalhostClustering();
                ConfigurePorts(silo, advertise: false); // after the localhost clustering's default ports
                silo.AddMemoryGrainStorageAsDefault();
                silo.AddMemoryGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME);
                silo.UseInMemoryReminderService();
            }
            else
            {
                if (shape.Kubernetes == true)
                {
                    // The hosting advertises the pod's address and listens on every address of the pod.
                    ConfigurePorts(silo, advertise: false);
                    silo.UseKubernetesHosting();
                }
                else
                {
                    ConfigurePorts(silo, advertise: true);
                }

                // Parsed when Orleans reads it, after the start-up check refused a string that does not parse.
                var redis = new Lazy<ConfigurationOptions>(() => ConfigurationOptions.Parse(shape.Redis));
                silo.UseRedisClustering(o => o.ConfigurationOptions = redis.Value);
                // A cleared state (a removed camera, job or pipeline, an expired item) deletes its key rather than keep an empty record.
                silo.AddRedisGrainStorageAsDefault(o => (o.ConfigurationOptions, o.DeleteStateOnClear) = (redis.Value, true));
                silo.AddRedisGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME, o => (o.ConfigurationOptions, o.DeleteStateOnClear) = (redis.Value, true));
                silo.UseRedisReminderService(o => o.ConfigurationOptions = redis.Value);
            }

            silo.AddDashboard();
            silo.AddActivityPropagation(); // a grain call continues its caller's trace (spans only while someone traces)
            silo.AddArgus();
        });
        OrleansSocketListenerFactory.Replace(builder.Services);
        return builder;
    }

    /// <summary>
    /// With <c>Argus:Tls</c> set, the certificates: every HTTP endpoint of the silo serves HTTPS only with them, an
    /// <c>http://</c> address in <c>Urls</c> included, so no plaintext port stays open by mistake (<see cref="AddArgusSilo"/>),
    /// and Orleans' TLS uses them too. Null without it. Loaded on first use, after the start-up check listed what is wrong with them.
    /// </summary>
    private static Lazy<TlsCertificates>? AddArgusTls(this WebApplicationBuilder builder)
    {
        builder.Services.AddArgusOptions<ArgusTlsOptions, ArgusTlsOptionsValidator>(ArgusTlsOptions.Section);
        var options = builder.Configuration.GetSection(ArgusTlsOptions.Section).Get<ArgusTlsOptions>();
        if (options is not { Enabled: true })
        {
            return null;
        }

        return new Lazy<TlsCertificates>(() => TlsCertificates.Load(options));
    }

    /// <summary>
    /// Checks the configuration, maps the endpoints (<see cref="MapArgus"/>) and runs the silo until it stops. A wrong
    /// configuration is refused before anything starts: every problem every validator found, one per line on stderr,
    /// and exit code 1, so an operator (and Kubernetes) reads a refused configuration, not a crash.
    /// </summary>
    /// <returns>The process's exit code.</returns>
    public static async Task<int> RunArgusAsync(this WebApplication app)
    {
        if (ConfigurationFailures(app.Services) is { Count: > 0 } failures)
        {
            await Console.Error.WriteLineAsync("Invalid configuration:");
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync($"  {failure}");
            }

            await app.DisposeAsync();
            return 1;
        }

        app.MapArgus();
        await app.RunAsync(); // disposes the app once it stopped
        return 0;
    }

    /// <summary>
    /// Every failure of the options validated at start, as the host would find them when it starts; empty when the
    /// configuration is good. A value that cannot be read as its type (a port of <c>abc</c>) is one failure too.
    /// </summary>
    internal static IReadOnlyList<string> ConfigurationFailures(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return [];
        }
        catch (OptionsValidationException e)
        {
            return [.. e.Failures];
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            return [.. e.InnerExceptions.SelectMany(i => ((OptionsValidationException)i).Failures)];
        }
        catch (InvalidOperationException e) when (e.InnerException is FormatException or ArgumentException)
        {
            return [e.Message];
        }
    }

    /// <summary>The silo's ports and, with <paramref name="advertise"/>, the address other silos and clients reach it on.</summary>
    private static void ConfigurePorts(ISiloBuilder silo, bool advertise) =>
        silo.Services.AddOptions<EndpointOptions>().Configure<ArgusSiloOptions>((endpoints, argus) =>
        {
            endpoints.SiloPort = argus.SiloPort;
            endpoints.GatewayPort = argus.GatewayPort;
            if (advertise)
            {
                endpoints.AdvertisedIPAddress = IPAddress.Parse(argus.AdvertisedAddress);
                if (argus.SiloListenPort is { } listen)
                {
                    endpoints.SiloListeningEndpoint = new IPEndPoint(endpoints.AdvertisedIPAddress, listen);
                }
            }
        });

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
    /// Maps the HTTP API (inference, cameras, batch jobs and the autoscaler's decision), the Open Inference Protocol (HTTP and gRPC), health, <c>/metrics</c>, the dashboard
    /// and, with API keys, the login page; every endpoint but health and login needs a key holding its role when keys are set
    /// (<see cref="ArgusRoles"/>).
    /// </summary>
    public static WebApplication MapArgus(this WebApplication app)
    {
        // Set per request rather than on Kestrel, whose options are read while the host is built, before the
        // configuration is checked.
        var maxRequestBytes = app.Services.GetRequiredService<ArgusSiloOptions>().MaxRequestBytes;
        app.Use((context, next) =>
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } body)
            {
                body.MaxRequestBodySize = maxRequestBytes;
            }

            return next(context);
        });
        app.UseApiErrorBodies();
        app.UseAuthentication();
        app.UseAuthorization();
        if (app.Services.GetRequiredService<IOptions<ArgusAuthOptions>>().Value.Enabled)
        {
            app.MapLoginEndpoints();
        }

        // Who may call what (docs/ARCHITECTURE.md): a route group per role; health and login stay open, and /metrics
        // (open with OpenMetrics) and the cameras (whose frames take infer too) name their roles where they are mapped.
        app.MapHealthEndpoints();
        app.MapArgusMetrics();
        var infer = app.MapGroup("").RequireAuthorization(ArgusRoles.Infer);
        infer.MapInferenceEndpoints();
        infer.MapOpenInferenceEndpoints();
        infer.MapGrpcService<OpenInferenceGrpcService>();
        var operate = app.MapGroup("").RequireAuthorization(ArgusRoles.Operate);
        operate.MapJobEndpoints();
        operate.MapJobsPage();
        operate.MapPipelineEndpoints();
        // Cameras need operate, but frames pushed to a camera also take infer: each camera endpoint names its policy.
        app.MapCameraEndpoints();
        var admin = app.MapGroup("").RequireAuthorization(ArgusRoles.Admin);
        admin.MapModelEndpoints();
        admin.MapDriftEndpoints();
        admin.MapAutoscaleEndpoints();
        admin.MapDashboard("/dashboard");
        return app;
    }
}
