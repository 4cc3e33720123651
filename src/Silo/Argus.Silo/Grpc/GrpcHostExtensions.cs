using Argus.Inference;
using Argus.Silo.Hosting;
using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Argus.Silo.Grpc;

/// <summary>Registers the Open Inference Protocol over gRPC.</summary>
internal static class GrpcHostExtensions
{
    /// <summary>
    /// Adds gRPC, taking messages as large as the HTTP API takes bodies (<see cref="ArgusSiloOptions.MaxRequestBytes"/>),
    /// and with <see cref="ArgusGrpcOptions.Port"/> its addresses: that port on each host of the HTTP API's <c>Urls</c>.
    /// </summary>
    /// <returns>The gRPC port, whose endpoints speak HTTP/2 only; null without one.</returns>
    public static int? AddArgusGrpc(this WebApplicationBuilder builder)
    {
        // Kestrel's own default when no Urls are set.
        var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey) is { Length: > 0 } set ? set : "http://localhost:5000";
        builder.Services.AddSingleton(new HttpApiPorts(HttpPorts(urls)));
        builder.Services.AddArgusOptions<ArgusGrpcOptions, ArgusGrpcOptionsValidator>(ArgusGrpcOptions.Section);
        // Without its catch-all routes for unknown services and methods (POST {service}/{method}), which matched every
        // two-segment path of the HTTP API and turned a wrong method there (DELETE /v1/models) from 405 into 404. A gRPC
        // client calling an unknown method gets the HTTP 404, which gRPC reads as UNIMPLEMENTED all the same.
        builder.Services.AddGrpc(grpc => grpc.IgnoreUnknownServices = true);
        builder.Services.AddOptions<GrpcServiceOptions>()
            .Configure<ArgusSiloOptions>((grpc, silo) => grpc.MaxReceiveMessageSize = (int)Math.Min(silo.MaxRequestBytes, int.MaxValue));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<OpenInferenceGrpcService>, TritonStreamMethods>());
        if (ArgusGrpcOptions.ReadPort(builder.Configuration) is not { } port || HttpPorts(urls).Contains(port))
        {
            return null; // none, or one the start-up check refuses
        }

        builder.WebHost.UseUrls([.. Split(urls), .. Addresses(urls, port)]);
        return port;
    }

    /// <summary>The gRPC addresses beside the HTTP API's <paramref name="urls"/>: the same schemes and hosts at <paramref name="port"/>.</summary>
    internal static IReadOnlyList<string> Addresses(string urls, int port) =>
        [.. Parsed(urls).Select(a => $"{a.Scheme}://{a.Host}:{port}").Distinct()];

    /// <summary>The ports of the HTTP API's <paramref name="urls"/>.</summary>
    internal static IReadOnlyList<int> HttpPorts(string urls) => [.. Parsed(urls).Select(a => a.Port)];

    /// <summary>The addresses of <paramref name="urls"/> that parse; Kestrel refuses the others when it binds, with its own message.</summary>
    private static IEnumerable<BindingAddress> Parsed(string urls)
    {
        foreach (var url in Split(urls))
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                continue;
            }

            yield return address;
        }
    }

    private static string[] Split(string urls) => urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
