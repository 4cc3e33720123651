using Argus.Silo.Hosting;

namespace Argus.Silo.Tests.Hosting;

public sealed class ArgusTelemetryOptionsValidatorTests
{
    private readonly ArgusTelemetryOptionsValidator _validator = new();

    [Theory]
    [InlineData(null)]
    [InlineData("http://collector:4317")]
    [InlineData("https://collector.example:4318")]
    public void No_endpoint_or_an_http_address_is_valid(string? endpoint) =>
        Assert.True(_validator.Validate(null, new ArgusTelemetryOptions { OtlpEndpoint = endpoint }).Succeeded);

    [Fact]
    public void Every_invalid_option_is_listed_in_one_result()
    {
        var result = _validator.Validate(null, new ArgusTelemetryOptions { OtlpEndpoint = "collector:4317", ServiceName = " " });

        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("Argus:Telemetry:OtlpEndpoint must be an http(s) address", StringComparison.Ordinal));
        Assert.Contains("Argus:Telemetry:ServiceName must not be empty.", result.Failures!);
    }
}
