using System.Text.Json;
using System.Text.RegularExpressions;
using Argus.Jobs;
using Argus.Silo.Hosting;
using Argus.Silo.Http;

namespace Argus.Silo.Tests.Http;

public sealed partial class JobReportPageTests
{
    private const string Hostile = "<script>alert('x')</script>\"><img src=https://example.invalid/x.png>";
    private static readonly DateTime Start = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);
    private static readonly JsonSerializerOptions Json = SiloHostExtensions.UseArgusJson(new JsonSerializerOptions());

    private static JobStatus Status(string id = "nightly", JobState state = JobState.Completed, string input = "/data/in") => new(
        id, state, new JobSpec { Input = input, Model = "moderation-fast", Output = "/data/out", BatchSize = 8 }, $"/data/out/{id}",
        12, 10, 2, 2, 2, 0, 0, null, new Dictionary<string, long> { ["bad_input"] = 2 }, Start, Start.AddMinutes(2), null, null, []);

    private static JobReport Report(string item = "/data/in/a.jpg", string label = "Neutral", string message = "not an image") => new(
        Status(),
        2,
        10,
        [new JobReportInterval(Start, 1, 6), new JobReportInterval(Start.AddSeconds(1), 1, 0), new JobReportInterval(Start.AddSeconds(2), 1, 4)],
        [new JobReportBatchSize(2, 2), new JobReportBatchSize(8, 8)],
        new JobReportLatency(12, 30, 41, 42.5, 3, 8),
        [new JobReportFailure("bad_input", 2, [new JobReportFailedItem(item, message, 1)])],
        [new JobReportLabel(label, 7), new JobReportLabel("Drawing", 2), new JobReportLabel(JobReportLabel.Others, 1)],
        [new JobReportItem(item, 1, Start.AddSeconds(2), 42.5, 3, 30, 8)]);

    // An attribute of a tag that loads from elsewhere, a script, a style sheet or a style's fetch.
    [GeneratedRegex("""<[^>]*\s(?:src|href)\s*=\s*["']?(?:[a-z]+:)?//|<script|<link|@import|url\(""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalFetch();

    [Fact]
    public void The_page_has_every_section_with_the_report_s_numbers()
    {
        var html = JobReportPage.Render(Report(), Json, Start.AddMinutes(5));

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<title>Job nightly · Argus</title>", html);
        foreach (var section in new[] { "Throughput over time", "Batch sizes", "Top class", "Failures by reason", "Slowest items", "Spec" })
        {
            Assert.Contains($"<h2>{section}</h2>", html);
        }

        Assert.Contains("""<span class="state completed">completed</span>""", html);
        Assert.Contains("p90 30 · p99 41 · max 42.5 ms", html);
        Assert.Contains("<title>12:00:00.0 UTC, 1 s: 6 items, 6 items/s</title>", html);
        Assert.Contains("<title>batch of 8: 8 items</title>", html);
        Assert.Contains("<em>others</em>", html);
        Assert.Contains("70.0 %", html);
        Assert.Contains("""<tr><th>batch_size</th><td class="item">8</td></tr>""", html);
        Assert.Contains("""<tr><th>output_folder</th><td class="item">/data/out/nightly</td></tr>""", html);
        Assert.Equal(2, Regex.Matches(html, "<svg ").Count);
    }

    [Fact]
    public void Text_from_the_job_s_files_is_encoded_and_the_page_fetches_nothing()
    {
        var html = JobReportPage.Render(Report(item: Hostile, label: Hostile, message: Hostile) with { Status = Status(input: Hostile) }, Json, Start);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&quot;&gt;&lt;img", html);
        Assert.DoesNotMatch(ExternalFetch(), html);
    }

    [Fact]
    public void No_text_from_the_job_s_files_adds_markup_to_the_page()
    {
        // Seeded: encoded text adds no '<', '>' or '"', so every page has the markup of the same report with plain text.
        const string alphabet = "<>\"'&/=;:#x é\u00a0\u2028\ud83d\ude00\u0000";
        var random = new Random(20261206);
        string Text() => new([.. Enumerable.Range(0, random.Next(0, 24)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
        static int Markup(string html) => html.Count(c => c is '<' or '>' or '"');
        var plain = Markup(JobReportPage.Render(Report(item: "x", label: "x", message: "x") with { Status = Status(input: "x") }, Json, Start));

        for (var i = 0; i < 500; i++)
        {
            var report = Report(item: Text(), label: Text() + "x", message: Text()) with { Status = Status(input: Text()) };
            var html = JobReportPage.Render(report, Json, Start);
            Assert.True(plain == Markup(html), $"Run {i} ({report.Slowest[0].Item}) changed the page's markup.");
        }
    }

    [Fact]
    public void A_job_with_nothing_written_says_so_without_charts()
    {
        var empty = new JobReport(Status(state: JobState.Running) with { ShardsDone = 0 }, 0, 0, [], [], null, [], [], []);

        var html = JobReportPage.Render(empty, Json, Start);

        Assert.Contains("No shard is written yet", html);
        Assert.DoesNotContain("<svg", html);
        Assert.Contains("""<span class="state running">running</span>""", html);
        Assert.Contains("<h2>Spec</h2>", html);
    }

    [Fact]
    public void The_jobs_page_links_each_job_to_its_report_newest_first()
    {
        var html = JobsPage.Render([Status("older") with { SubmittedAt = Start.AddDays(-1) }, Status("newer")], Json, Start);

        Assert.Contains("""<a href="/v1/jobs/newer/report">newer</a>""", html);
        Assert.True(html.IndexOf("/v1/jobs/newer/report", StringComparison.Ordinal) < html.IndexOf("/v1/jobs/older/report", StringComparison.Ordinal));
        Assert.Contains("""<a href="/dashboard/">Dashboard</a>""", html);
        Assert.DoesNotMatch(ExternalFetch(), html);
        Assert.Contains("No jobs yet", JobsPage.Render([], Json, Start));
    }
}
