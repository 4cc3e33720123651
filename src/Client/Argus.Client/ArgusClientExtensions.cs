using System.Net;
using Argus.Cameras;
using Argus.Devices;
using Argus.Models;
using Argus.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Argus.Client;

/// <summary>Registers the Argus SDK.</summary>
public static class ArgusClientExtensions
{
    /// <summary>
    /// Adds an Orleans client connected to the Argus cluster (with the cameras' alert stream provider),
    /// <see cref="IArgusClient"/> (its pipeline calls over the silos' HTTP API), and the report of its calls' figures per model version to the models' rollouts (once a
    /// second). The client connects when the host starts.
    /// </summary>
    public static IHostApplicationBuilder AddArgusClient(this IHostApplicationBuilder builder, Action<ArgusClientOptions>? configure = null)
    {
        var options = new ArgusClientOptions();
        configure?.Invoke(options);
        builder.Services.Configure<ArgusClientOptions>(o =>
        {
            o.Redis = options.Redis;
            o.Gateways = options.Gateways;
            o.GatewayPorts = options.GatewayPorts;
            o.DefaultTimeout = options.DefaultTimeout;
            o.AttemptTimeout = options.AttemptTimeout;
            o.ConnectTimeout = options.ConnectTimeout;
            o.Tls = options.Tls;
            o.Tenant = options.Tenant;
            o.Api = options.Api;
            o.ApiKey = options.ApiKey;
        });
        if (options.ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"ConnectTimeout must be positive (is {options.ConnectTimeout}).", nameof(configure));
        }

        var tls = LoadTls(options.Tls);
        builder.UseOrleansClient(client =>
        {
            if (!string.IsNullOrWhiteSpace(options.Redis))
            {
                var redis = StackExchange.Redis.ConfigurationOptions.Parse(options.Redis);
                client.UseRedisClustering(o => o.ConfigurationOptions = redis);
            }
            else if (options.Gateways.Count > 0)
            {
                client.UseStaticClustering([.. options.Gateways.Select(ParseGateway)]);
            }
            else
            {
                client.UseLocalhostClustering([.. options.GatewayPorts]);
            }

            if (tls is not null)
            {
                client.UseTls(tls.Certificate, o => TlsCertificates.Configure(o, () => tls));
            }

            // Made when the client starts, which is when its time begins.
            client.Services.AddSingleton<IClientConnectionRetryFilter>(s => new ConnectRetry(options.ConnectTimeout, s.GetRequiredService<TimeProvider>()));
            client.AddMemoryStreams(AlertStreams.Provider);
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ClusterIdentity.CallTimeout);
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterIdentity.ClusterId;
                o.ServiceId = ClusterIdentity.ServiceId;
            });
        });
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<DeviceTable>();
        builder.Services.TryAddSingleton<RolloutTable>();
        builder.Services.TryAddSingleton<RolloutRecorder>();
        builder.Services.AddHostedService<RolloutReporter>();
        builder.Services.TryAddSingleton<ArgusHttp>();
        builder.Services.AddSingleton<IArgusClient, ArgusClient>();
        return builder;
    }

    /// <summary>The client's certificates, or null without TLS.</summary>
    /// <exception cref="ArgumentException">The TLS settings are incomplete, or their files are missing, unreadable or do not chain.</exception>
    private static TlsCertificates? LoadTls(ArgusTlsOptions options)
    {
        if (!options.Enabled)
        {
            return null;
        }

        var validation = new ArgusTlsOptionsValidator(nameof(ArgusClientOptions.Tls)).Validate(null, options);
        return validation.Failed
            ? throw new ArgumentException(string.Join(Environment.NewLine, validation.Failures!), nameof(options))
            : TlsCertificates.Load(options);
    }

    private static IPEndPoint ParseGateway(string gateway) =>
        IPEndPoint.TryParse(gateway, out var endpoint) && endpoint.Port > 0
            ? endpoint
            : throw new ArgumentException($"Gateway '{gateway}' is not address:port (e.g. 10.0.0.7:30000).", nameof(gateway));
}
