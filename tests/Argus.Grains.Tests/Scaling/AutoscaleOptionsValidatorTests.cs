using Argus.Grains.Scaling;

namespace Argus.Grains.Tests.Scaling;

public sealed class AutoscaleOptionsValidatorTests
{
    private readonly AutoscaleOptionsValidator _validator = new();

    [Fact]
    public void The_defaults_are_valid() => Assert.True(_validator.Validate(null, new AutoscaleOptions()).Succeeded);

    [Fact]
    public void Every_invalid_option_is_listed_in_one_result()
    {
        var result = _validator.Validate(null, new AutoscaleOptions
        {
            MinSilos = 0, MaxSilos = -1, TargetInFlightPerDevice = 0, LookBackSeconds = 0, UpscaleDelaySeconds = -1,
            DownscaleDelaySeconds = double.NaN, Tolerance = 1, UpscaleFactor = 0, DownscaleFactor = 2, IntervalMs = 10, DrainTimeoutSeconds = -1,
        });

        Assert.True(result.Failed);
        Assert.Equal(11, result.Failures!.Count());
        Assert.All(result.Failures!, f => Assert.StartsWith("Argus:Autoscale:", f));
    }

    [Fact]
    public void The_most_silos_may_not_be_below_the_fewest()
    {
        var failure = Assert.Single(_validator.Validate(null, new AutoscaleOptions { MinSilos = 3, MaxSilos = 2 }).Failures!);

        Assert.Contains("MaxSilos must be at least MinSilos (3)", failure);
    }
}
