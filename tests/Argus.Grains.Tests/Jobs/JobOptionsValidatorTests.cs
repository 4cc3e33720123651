using Argus.Grains.Jobs;

namespace Argus.Grains.Tests.Jobs;

public sealed class JobOptionsValidatorTests
{
    private readonly JobOptionsValidator _validator = new();

    [Fact]
    public void The_defaults_are_valid() => Assert.True(_validator.Validate(null, new JobOptions()).Succeeded);

    [Fact]
    public void Every_invalid_option_is_listed_in_one_result()
    {
        var result = _validator.Validate(null, new JobOptions
        {
            LeaseSeconds = 0, TickMs = double.NaN, WatchSeconds = 0, WatchSettleSeconds = -1, ReminderSeconds = 0.5, PlanRetrySeconds = -1,
            BatchesInFlightPerDevice = 17,
        });

        Assert.True(result.Failed);
        Assert.Equal(
            ["LeaseSeconds", "TickMs", "WatchSeconds", "WatchSettleSeconds", "ReminderSeconds", "PlanRetrySeconds", "BatchesInFlightPerDevice"],
            result.Failures!.Select(f => f["Argus:Jobs:".Length..f.IndexOf(' ')]));
    }
}
