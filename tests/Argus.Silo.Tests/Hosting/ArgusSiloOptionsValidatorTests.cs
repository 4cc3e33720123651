using Argus.Silo.Hosting;

namespace Argus.Silo.Tests.Hosting;

public sealed class ArgusSiloOptionsValidatorTests
{
    private readonly ArgusSiloOptionsValidator _validator = new();

    [Fact]
    public void The_defaults_are_valid() => Assert.True(_validator.Validate(null, new ArgusSiloOptions()).Succeeded);

    [Fact]
    public void Every_invalid_option_is_listed_in_one_result()
    {
        var result = _validator.Validate(null, new ArgusSiloOptions
        {
            Name = "a/b", SiloPort = 0, GatewayPort = 70000, AdvertisedAddress = "localhost", ProbeTimeoutMs = 99, MissedProbesLimit = 0,
            MaxRequestBytes = 1023,
        });

        Assert.True(result.Failed);
        Assert.Equal(
            ["Name", "SiloPort", "GatewayPort", "AdvertisedAddress", "ProbeTimeoutMs", "MissedProbesLimit", "MaxRequestBytes"],
            result.Failures!.Select(f => f["Argus:Silo:".Length..f.IndexOf(' ')]));
    }

    [Fact]
    public void A_request_limit_no_array_can_hold_is_refused()
    {
        var failure = Assert.Single(_validator.Validate(null, new ArgusSiloOptions { MaxRequestBytes = 4L * 1024 * 1024 * 1024 }).Failures!);

        Assert.Contains("MaxRequestBytes must be 1024 to 2147483591 (is 4294967296)", failure);
        Assert.True(_validator.Validate(null, new ArgusSiloOptions { MaxRequestBytes = Array.MaxLength }).Succeeded);
    }

    [Fact]
    public void The_two_ports_must_differ()
    {
        var failure = Assert.Single(_validator.Validate(null, new ArgusSiloOptions { SiloPort = 4000, GatewayPort = 4000 }).Failures!);

        Assert.Contains("must differ (both 4000)", failure);
    }

    [Fact]
    public void A_redis_configuration_that_does_not_parse_is_refused()
    {
        var failure = Assert.Single(_validator.Validate(null, new ArgusSiloOptions { Redis = "127.0.0.1:6379,nosuchkeyword=1" }).Failures!);

        Assert.StartsWith("Argus:Redis must be a StackExchange.Redis configuration", failure);
    }
}
