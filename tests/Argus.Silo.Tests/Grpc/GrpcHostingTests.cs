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
    [InlineData(null, true)]
    [InlineData(8081, true)]
    [InlineData(0, false)]
    [InlineData(65536, false)]
    public void A_port_that_is_no_port_is_refused(int? port, bool valid)
    {
        var result = new ArgusGrpcOptionsValidator().Validate(null, new ArgusGrpcOptions { Port = port });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Equal($"Argus:Grpc:Port must be a port number (is {port}).", Assert.Single(result.Failures!));
        }
    }
}
