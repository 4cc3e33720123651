using Argus.Grains.Jobs;

namespace Argus.Grains.Tests.Jobs;

public sealed class JobScheduleTests
{
    private static readonly DateTime Evening = new(2026, 11, 29, 21, 30, 0, DateTimeKind.Utc);

    [Fact]
    public void Five_fields_are_minutes_first_and_six_seconds_first()
    {
        Assert.Equal(new DateTime(2026, 11, 30, 2, 0, 0, DateTimeKind.Utc), JobSchedule.Next("0 2 * * *", Evening));
        Assert.Equal(Evening.AddSeconds(5), JobSchedule.Next("*/5 * * * * *", Evening));
    }

    [Theory]
    [InlineData("nightly")]
    [InlineData("0 2 * *")]
    [InlineData("61 * * * *")]
    [InlineData("* * * * * * *")]
    public void What_is_no_cron_expression_does_not_parse(string expression) => Assert.Null(JobSchedule.TryParse(expression));

    [Fact]
    public void A_run_is_named_after_its_schedule_and_due_time() =>
        Assert.Equal("nightly-20261130T020000", JobSchedule.RunId("nightly", new DateTime(2026, 11, 30, 2, 0, 0, DateTimeKind.Utc)));
}
