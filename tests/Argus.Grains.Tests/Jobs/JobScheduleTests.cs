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

    [Theory]
    [InlineData("1-0 * * * *", "minute", "1-0")]
    [InlineData("0 22-2 * * *", "hour", "22-2")]
    [InlineData("0 0 31-1 * *", "day-of-month", "31-1")]
    [InlineData("0 0 1 DEC-JAN *", "month", "DEC-JAN")]
    [InlineData("0 0 * * 5,FRI-MON", "day-of-week", "FRI-MON")]
    [InlineData("0 9 * * 6-1", "day-of-week", "6-1")]
    [InlineData("50-10/5 * * * * *", "second", "50-10")]
    public void A_reversed_range_is_refused_naming_its_field(string expression, string field, string range) =>
        Assert.Equal(
            $"schedule '{expression}': the {field} range '{range}' is reversed; write ranges low to high (one across the end of its field is two, e.g. '22-23,0-2').",
            JobSchedule.Problem(expression, Evening));

    [Theory]
    [InlineData("0 2 * * *")]
    [InlineData("1-1 * * * *")]
    [InlineData("0-30/10 9-17 * * MON-FRI")]
    [InlineData("0 0 L-3 * *")]
    [InlineData("0 22-23,0-2 * JAN-MAR 0-6")]
    public void Ranges_from_low_to_high_are_fine(string expression) => Assert.Null(JobSchedule.Problem(expression, Evening));

    [Fact]
    public void What_does_not_parse_or_never_occurs_is_refused()
    {
        Assert.Contains("is not a cron expression", JobSchedule.Problem("nightly", Evening));
        Assert.Equal("schedule '0 0 30 2 *' never occurs.", JobSchedule.Problem("0 0 30 2 *", Evening));
    }

    [Fact]
    public void A_run_is_named_after_its_schedule_and_due_time() =>
        Assert.Equal("nightly-20261130T020000", JobSchedule.RunId("nightly", new DateTime(2026, 11, 30, 2, 0, 0, DateTimeKind.Utc)));
}
