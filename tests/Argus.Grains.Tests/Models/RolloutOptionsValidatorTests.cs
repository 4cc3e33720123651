using Argus.Grains.Models;

namespace Argus.Grains.Tests.Models;

public sealed class RolloutOptionsValidatorTests
{
    private readonly RolloutOptionsValidator _validator = new();

    [Fact]
    public void The_defaults_are_valid() => Assert.True(_validator.Validate(null, new RolloutOptions()).Succeeded);

    [Fact]
    public void Every_invalid_option_is_listed_in_one_result()
    {
        var result = _validator.Validate(null, new RolloutOptions
        {
            WindowSeconds = 0, MinItems = 0, ErrorRateMargin = 1, LatencyRatio = 0.9, LatencyFloorMs = double.NaN,
        });

        Assert.True(result.Failed);
        Assert.Equal(5, result.Failures!.Count());
        Assert.All(result.Failures!, f => Assert.StartsWith("Argus:Rollout:", f));
    }
}
