using Argus.Pipelines;

namespace Argus.Cli.Tests;

/// <summary><c>argus pipeline</c>'s times and one-line views; no cluster needed.</summary>
public sealed class PipelineCommandTests
{
    private static readonly DateTime Now = new(2026, 12, 6, 10, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("90s", "2026-12-06T09:58:30Z")]
    [InlineData("15m", "2026-12-06T09:45:00Z")]
    [InlineData("1.5h", "2026-12-06T08:30:00Z")]
    [InlineData("7d", "2026-11-29T10:00:00Z")]
    [InlineData("2026-12-06T08:00:00Z", "2026-12-06T08:00:00Z")]
    [InlineData("2026-12-06T08:00:00", "2026-12-06T08:00:00Z")]
    [InlineData("2026-12-06T09:00:00+01:00", "2026-12-06T08:00:00Z")]
    public void A_time_is_iso_8601_in_utc_unless_it_says_otherwise_or_a_duration_ago(string text, string expected)
    {
        List<string> problems = [];

        var time = PipelineCommand.ParseTime(text, Now, "--since", problems);

        Assert.Empty(problems);
        Assert.Equal(DateTime.Parse(expected, null, System.Globalization.DateTimeStyles.AdjustToUniversal), time);
        Assert.Equal(DateTimeKind.Utc, time!.Value.Kind);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("15x")]
    [InlineData("-5m")]
    [InlineData("m")]
    public void A_time_that_is_neither_is_a_problem_naming_its_option(string text)
    {
        List<string> problems = [];

        Assert.Null(PipelineCommand.ParseTime(text, Now, "--from", problems));
        Assert.Equal($"--from '{text}' is neither an ISO-8601 time (2026-12-06T09:00:00Z) nor a duration ago (90s, 15m, 2h, 1d).", Assert.Single(problems));
    }

    [Fact]
    public void A_rule_reads_as_one_line_labels_in_order()
    {
        var rule = new DecisionRule
        {
            Block = new Dictionary<string, double> { ["Porn"] = 0.9 },
            Review = new Dictionary<string, double> { ["Sexy"] = 0.6, ["Porn"] = 0.4 },
        };

        Assert.Equal("block Porn ≥ 0.9; review Porn ≥ 0.4, Sexy ≥ 0.6", PipelineCommand.Rule(rule));
        Assert.Equal("allow everything", PipelineCommand.Rule(new DecisionRule()));
    }

    [Fact]
    public void A_backfills_progress_reads_as_one_line()
    {
        var status = new BackfillStatus("bf-1", "moderation", "moderation-heavy", "4.3.1", BackfillState.Running, 43, 40, 2, 1, Now, null, null,
            new DateTime(2026, 12, 6, 10, 0, 0, DateTimeKind.Utc), new DateTime(2026, 12, 6, 11, 0, 0, DateTimeKind.Utc),
            new DateTime(2026, 12, 6, 10, 15, 0, DateTimeKind.Utc), new Dictionary<string, long> { ["no_image"] = 2 });

        Assert.Equal("Backfill bf-1 running: 43 items, 40 re-scored, 2 skipped, 1 failed, at 2026-12-06 10:15 of 2026-12-06 10:00–2026-12-06 11:00 UTC (moderation-heavy 4.3.1)",
            PipelineCommand.Progress(status));
        Assert.EndsWith("(moderation-heavy 4.3.1): the archive is gone", PipelineCommand.Progress(status with { State = BackfillState.Failed, Error = "the archive is gone" }));
    }
}
