using Argus.Silo.Grpc;

namespace Argus.Silo.Tests.Grpc;

/// <summary>Where the gRPC port listens, and which settings of it are refused at start.</summary>
public sealed class GrpcHostingTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8081")]
    [InlineData("https://0.0.0.0:8080", "https://0.0.0.0:8081")]
    [InlineData("http://*:8080; http://*:9090", "http://*:8081")]
    [InlineData("http://localhost:5000;https://[::1]:5001", "http://localhost:8081|https://[::1]:8081")]
    public void The_gRPC_port_listens_on_each_host_of_the_HTTP_urls(string urls, string expected) =>
        Assert.Equal(expected.Split('|'), GrpcHostExtensions.Addresses(urls, 8081));

    [Theory]
    [InlineData(null, null)]
    [InlineData(8081, null)]
    [InlineData(0, "Argus:Grpc:Port must be a port number (is 0).")]
    [InlineData(65536, "Argus:Grpc:Port must be a port number (is 65536).")]
    [InlineData(8080, "Argus:Grpc:Port must differ from the HTTP API's port in Urls (both 8080): gRPC's port speaks HTTP/2 alone.")]
    public void A_port_that_is_no_port_or_the_HTTP_APIs_is_refused(int? port, string? failure)
    {
        var http = new HttpApiPorts(GrpcHostExtensions.HttpPorts("http://127.0.0.1:8080"));

        var result = new ArgusGrpcOptionsValidator(http).Validate(null, new ArgusGrpcOptions { Port = port });

        Assert.Equal(failure is null, result.Succeeded);
        if (failure is not null)
        {
            Assert.Equal(failure, Assert.Single(result.Failures!));
        }
    }
}
