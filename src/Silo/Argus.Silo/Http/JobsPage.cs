using System.Text;
using System.Text.Json;
using Argus.Jobs;
using Argus.Silo.Auth;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using static Argus.Silo.Http.HtmlPage;
using static System.FormattableString;

namespace Argus.Silo.Http;

/// <summary>
/// <c>GET /jobs</c>: the jobs the caller may see, newest first, each linked to its report; <c>GET /</c> leads there. The
/// Orleans dashboard takes no links of an application's (its options are its refresh rate, history and trace), so this
/// page is the way from a browser to the reports, and it links to the dashboard and <c>/metrics</c>.
/// </summary>
internal static class JobsPage
{
    /// <summary>The page's path.</summary>
    public const string Path = "/jobs";

    public static void MapJobsPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Redirect(Path));
        app.MapGet(Path, async (HttpContext context, IGrainFactory grains, TimeProvider time, IOptions<JsonOptions> json) =>
        {
            var jobs = (await grains.ListJobStatusesAsync()).Where(s => context.Sees(s.Spec.Tenant)).ToList();
            return Result(context.Response, Render(jobs, json.Value.SerializerOptions, time.GetUtcNow().UtcDateTime));
        });
    }

    /// <summary>The page of <paramref name="jobs"/>.</summary>
    public static string Render(IReadOnlyList<JobStatus> jobs, JsonSerializerOptions json, DateTime now)
    {
        var rows = new StringBuilder();
        foreach (var s in jobs.OrderByDescending(j => j.SubmittedAt).ThenBy(j => j.Id, StringComparer.Ordinal))
        {
            rows.Append(Invariant($"""<tr><td><a href="/v1/jobs/{Uri.EscapeDataString(s.Id)}/report">{Encode(s.Id)}</a></td><td>{State(JobReportPage.Name(s.State, json))}</td>"""));
            rows.Append(Invariant($"""<td>{Encode(s.Spec.Version is { } v ? $"{s.Spec.Model} {v}" : s.Spec.Model)}</td><td class="n">{s.ItemsSucceeded + s.ItemsFailed:N0} / {s.ItemsTotal:N0}</td>"""));
            rows.Append(Invariant($"""<td class="n">{s.ItemsFailed:N0}</td><td class="n">{s.SubmittedAt:yyyy-MM-dd HH:mm:ss}</td></tr>"""));
        }

        var body = jobs.Count == 0
            ? """<section><p class="note">No jobs yet: submit one with <code>argus job submit</code> or <code>POST /v1/jobs</code>.</p></section>"""
            : $"""<section><table><tr><th>Job (report)</th><th>State</th><th>Model</th><th class="n">Items done / planned</th><th class="n">Failed</th><th class="n">Submitted (UTC)</th></tr>{rows}</table></section>""";
        return HtmlPage.Render("Jobs", now, body);
    }
}
