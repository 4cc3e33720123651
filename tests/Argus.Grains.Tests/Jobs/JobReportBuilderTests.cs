using Argus.Devices;
using Argus.Grains.Jobs;
using Argus.Jobs;

namespace Argus.Grains.Tests.Jobs;

public sealed class JobReportBuilderTests
{
    private static readonly DateTime Start = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);

    private static JobStatus Status() => new(
        "report", JobState.Completed, new JobSpec { Input = "/in", Model = "moderation-fast", Output = "/out" }, "/out/report",
        0, 0, 0, 0, 0, 0, 0, null, new Dictionary<string, long>(), Start, null, null, null, []);

    private static JobResult Row(string item, double seconds, double latency = 10, int batch = 8, string? label = null) => new(
        item, "moderation-fast", "4.3.0", 0, Start.AddSeconds(seconds), latency, latency / 4, latency / 2, batch,
        new JobResultBody(null, label is null ? null : [new ClassScore(0, "Other", 0.1f), new ClassScore(1, label, 0.9f)], null));

    private static JobFailure Failure(string item, string reason) => new(item, 0, reason, $"{item} failed", 1);

    [Fact]
    public void An_empty_job_has_an_empty_report()
    {
        var report = new JobReportBuilder().Build(Status());

        Assert.Equal(0, report.Results);
        Assert.Equal(0, report.ShardsRead);
        Assert.Empty(report.Throughput);
        Assert.Null(report.Latency);
        Assert.Empty(report.Slowest);
    }

    [Fact]
    public void Throughput_counts_items_by_when_their_batch_started_with_quiet_intervals_kept()
    {
        var builder = new JobReportBuilder();
        builder.AddShard([Row("a", 0.01), Row("b", 0.05), Row("c", 0.35)], []);

        var report = builder.Build(Status());

        Assert.Equal([2L, 0, 0, 1], report.Throughput.Select(i => i.Items));
        Assert.All(report.Throughput, i => Assert.Equal(0.1, i.Seconds, 9));
        Assert.Equal(Start.AddSeconds(0.3), report.Throughput[^1].Start);
        Assert.Equal(20, report.Throughput[0].ItemsPerSecond, 9);
    }

    [Theory]
    [InlineData(60, 1, 60)]
    [InlineData(61, 2, 31)]
    [InlineData(10_000, 200, 50)]
    [InlineData(12_001, 500, 25)]
    public void A_longer_run_gets_round_intervals_and_at_most_the_chart_s_count(int ticks, int width, int count)
    {
        var perTick = Enumerable.Range(0, ticks).ToDictionary(t => 1_000_000L + t, _ => 1L);

        var intervals = JobReportBuilder.Intervals(perTick);

        Assert.Equal(count, intervals.Count);
        Assert.All(intervals, i => Assert.Equal(width * JobReportBuilder.Tick.TotalSeconds, i.Seconds, 9));
        Assert.Equal(ticks, intervals.Sum(i => i.Items));
    }

    [Fact]
    public void Batch_sizes_latency_labels_and_the_slowest_items_come_from_the_rows()
    {
        var builder = new JobReportBuilder();
        var rows = Enumerable.Range(1, 100).Select(i => Row($"i{i:D3}", i / 10.0, latency: i, batch: i <= 90 ? 8 : 2, label: i % 4 == 0 ? "Drawing" : "Neutral"));
        builder.AddShard(rows, []);

        var report = builder.Build(Status());

        Assert.Equal(100, report.Results);
        Assert.Equal([new JobReportBatchSize(2, 10), new JobReportBatchSize(8, 90)], report.BatchSizes);
        Assert.Equal(new JobReportLatency(50, 90, 99, 100, 12.625, 25.25), report.Latency);
        Assert.Equal([new JobReportLabel("Neutral", 75), new JobReportLabel("Drawing", 25)], report.Labels);
        Assert.Equal(Enumerable.Range(91, 10).Reverse().Select(i => $"i{i:D3}"), report.Slowest.Select(s => s.Item));
        Assert.Equal(100, report.Slowest[0].LatencyMs);
    }

    [Fact]
    public void Labels_past_the_most_frequent_are_summed_in_one_row()
    {
        var builder = new JobReportBuilder();
        builder.AddShard(Enumerable.Range(0, JobReportBuilder.MaxLabels + 5).Select(i => Row($"i{i}", 0, label: $"label{i:D2}")), []);

        var labels = builder.Build(Status()).Labels;

        Assert.Equal(JobReportBuilder.MaxLabels + 1, labels.Count);
        Assert.Equal(new JobReportLabel(JobReportLabel.Others, 5), labels[^1]);
    }

    [Fact]
    public void Failures_are_counted_by_reason_most_frequent_first_with_a_few_examples_each()
    {
        var builder = new JobReportBuilder();
        builder.AddShard([], [.. Enumerable.Range(0, 5).Select(i => Failure($"bad{i}", "bad_input")), Failure("gone", "unreadable")]);
        builder.AddShard([Row("ok", 0)], [Failure("bad5", "bad_input")]);

        var report = builder.Build(Status());

        Assert.Equal(2, report.ShardsRead);
        Assert.Equal(["bad_input", "unreadable"], report.Failures.Select(f => f.Reason));
        Assert.Equal(6, report.Failures[0].Items);
        Assert.Equal(["bad0", "bad1", "bad2"], report.Failures[0].Examples.Select(e => e.Item));
        Assert.Equal(new JobReportFailedItem("gone", "gone failed", 1), Assert.Single(report.Failures[1].Examples));
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        Assert.Equal(7, JobReportBuilder.Percentile([7], 0.99));
        Assert.Equal(2, JobReportBuilder.Percentile([1, 2, 3, 4], 0.5));
        Assert.Equal(4, JobReportBuilder.Percentile([1, 2, 3, 4], 0.9));
    }
}
