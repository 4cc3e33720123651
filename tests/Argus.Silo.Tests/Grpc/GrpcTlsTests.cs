using Argus.Security;
using Argus.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using static Inference.GRPCInferenceService;

namespace Argus.Silo.Tests.Grpc;

/// <summary>With <c>Argus:Tls</c>, the gRPC port speaks HTTP/2 over TLS with the silo's certificate, and nothing in plaintext.</summary>
public sealed class GrpcTlsTests
{
    [Fact]
    public async Task The_gRPC_port_serves_HTTP2_over_TLS_only()
    {
        using var authority = TestCertificateAuthority.Create("grpc-ca");
        var tls = authority.Issue("grpc-0");
        var settings = TestCertificateAuthority.SiloSettings(tls);
        settings["Argus__Inference__Sim__Devices"] = "1";
        await using var silo = await SiloProcess.StartAsync("grpc-tls-0", settings, TimeSpan.FromMinutes(2));
        using var secure = GrpcChannel.ForAddress($"https://127.0.0.1:{silo.GrpcPort}", new GrpcChannelOptions { HttpHandler = TlsCertificates.CreateHttpHandler(tls) });
        using var plain = GrpcChannel.ForAddress($"http://127.0.0.1:{silo.GrpcPort}");

        var metadata = await new GRPCInferenceServiceClient(secure).ModelMetadataAsync(new() { Name = "resnet18" });
        var refused = await Assert.ThrowsAsync<RpcException>(() => new GRPCInferenceServiceClient(plain).ServerLiveAsync(new()).ResponseAsync);

        Assert.Equal("resnet18", metadata.Name);
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
    }
}
