namespace Argus.Silo.Grpc;

/// <summary>The Open Inference Protocol over gRPC (<c>Argus:Grpc</c>).</summary>
public sealed class ArgusGrpcOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Argus:Grpc";

    /// <summary>
    /// The port gRPC is served on, on each host the HTTP API's <c>Urls</c> name: HTTP/2 without TLS (h2c, prior
    /// knowledge), or HTTP/2 over TLS with <c>Argus:Tls</c>. Unset: no gRPC port. appsettings.json sets 8081 (KServe's).
    /// </summary>
    public int? Port { get; set; }

    /// <summary>
    /// The port as the host is built, when the addresses are decided (the options are validated later, at start): null
    /// when unset or not a number, which the start-up check then reports.
    /// </summary>
    internal static int? ReadPort(IConfiguration configuration) =>
        int.TryParse(configuration.GetSection(Section)[nameof(Port)], out var port) && port is > 0 and <= 65535 ? port : null;
}
