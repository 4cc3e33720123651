using Argus.Grains.Devices;

namespace Argus.Grains.Tests.Devices;

public sealed class RoutingOptionsValidatorTests
{
    private readonly RoutingOptionsValidator _validator = new();

    [Fact]
    public void The_defaults_are_valid() => Assert.True(_validator.Validate(null, new RoutingOptions()).Succeeded);

    [Fact]
    public void Every_invalid_option_is_listed_in_one_result()
    {
        var result = _validator.Validate(null, new RoutingOptions { LocalWaitLimitMs = double.NaN, AttemptTimeoutMs = 99 });

        Assert.True(result.Failed);
        Assert.Equal(["LocalWaitLimitMs", "AttemptTimeoutMs"], result.Failures!.Select(f => f["Argus:Routing:".Length..f.IndexOf(' ')]));
    }
}
