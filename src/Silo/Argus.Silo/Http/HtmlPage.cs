using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using static System.FormattableString;

namespace Argus.Silo.Http;

/// <summary>
/// The silo's own HTML pages (the jobs page, a job's report): one self-contained document each, with its style and
/// charts inline, so a saved page shows the same anywhere and a served one fetches nothing else.
/// </summary>
internal static class HtmlPage
{
    /// <summary>
    /// The pages' Content-Security-Policy: nothing is loaded from anywhere (no scripts at all), only the page's own
    /// styles and SVG apply, so text from a job's files cannot act even if it escaped its encoding.
    /// </summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

    // Every script's letters as they are (labels, file names); only what HTML gives meaning to is escaped.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private const string Style = """
        :root { color-scheme: light; --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bar: #2f80ed; --bad: #d64545; --bg: #f5f7fa; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
        header { background: #102a43; color: #fff; padding: 14px 28px; display: flex; align-items: baseline; gap: 18px; flex-wrap: wrap; }
        header h1 { margin: 0; font-size: 20px; font-weight: 600; }
        header nav a { color: #bcccdc; margin-right: 14px; text-decoration: none; }
        header nav a:hover { color: #fff; }
        header .when { margin-left: auto; color: #9fb3c8; font-size: 12px; }
        main { padding: 20px 28px 40px; max-width: 1360px; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin-bottom: 16px; }
        section h2 { margin: 0 0 10px; font-size: 15px; font-weight: 600; }
        .note { color: var(--muted); font-size: 12px; margin: 4px 0 0; }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; margin-bottom: 16px; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
        .card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
        .card .v { font-size: 22px; font-weight: 600; } .card .v.name { font-size: 16px; overflow-wrap: anywhere; }
        .card .s { color: var(--muted); font-size: 12px; }
        .grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
        .grid2 section { margin-bottom: 0; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { color: var(--muted); font-weight: 500; font-size: 12px; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.item { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 12px; word-break: break-all; }
        .state { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; background: #d9e2ec; color: #102a43; }
        .state.completed { background: #c6f7e2; color: #014d40; } .state.failed, .state.cancelled { background: #ffe3e3; color: #610404; }
        .state.running, .state.planning { background: #dceefb; color: #003e6b; }
        .hbar { display: flex; align-items: center; gap: 8px; }
        .hbar span.b { display: inline-block; height: 12px; background: var(--bar); border-radius: 2px; min-width: 1px; }
        .reason { font-weight: 600; color: var(--bad); }
        svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
        svg .bar { fill: var(--bar); } svg .axis { stroke: var(--line); }
        a { color: #1c6fd1; }
        """;

    /// <summary>A whole page: <paramref name="title"/>, the silo's links, when it was made and <paramref name="body"/> (HTML).</summary>
    public static string Render(string title, DateTime now, string body) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{Encode(title)} · Argus</title>
        <style>{Style}</style>
        </head>
        <body>
        <header><h1>{Encode(title)}</h1><nav><a href="/jobs">Jobs</a><a href="/dashboard/">Dashboard</a><a href="/metrics">Metrics</a></nav>
        <span class="when">{Invariant($"{now:yyyy-MM-dd HH:mm:ss}")} UTC</span></header>
        <main>
        {body}
        </main>
        </body>
        </html>
        """;

    /// <summary>The answer of a page: <paramref name="html"/> under <see cref="ContentSecurityPolicy"/>.</summary>
    public static IResult Result(HttpResponse response, string html)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        return Results.Content(html, "text/html; charset=utf-8");
    }

    /// <summary>Text as HTML, for element content and double-quoted attributes alike.</summary>
    public static string Encode(string? text) => Encoder.Encode(text ?? "");

    /// <summary>A job state as a coloured badge.</summary>
    public static string State(string state) => $"""<span class="state {Encode(state)}">{Encode(state)}</span>""";

    /// <summary>
    /// A bar chart as inline SVG: one bar per value, in order, each titled for a pointer; the y axis from 0 to the largest
    /// value, labelled in <paramref name="unit"/>; a few x labels (all of them when there are few bars).
    /// </summary>
    public static string BarChart(IReadOnlyList<(string Label, double Value, string Title)> bars, string unit, int width = 560, int height = 190)
    {
        const int left = 52, right = 8, top = 10, bottom = 22;
        var max = Math.Max(bars.Max(b => b.Value), double.Epsilon);
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        var step = (double)plotWidth / bars.Count;
        var gap = step > 6 ? Math.Min(step * 0.2, 8) : 0;
        var svg = new StringBuilder(Invariant($"""<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{Encode(unit)}">"""));
        svg.Append(Invariant($"""<line class="axis" x1="{left}" y1="{top}" x2="{width - right}" y2="{top}"/>"""));
        svg.Append(Invariant($"""<line class="axis" x1="{left}" y1="{top + plotHeight}" x2="{width - right}" y2="{top + plotHeight}"/>"""));
        svg.Append(Invariant($"""<text x="{left - 6}" y="{top + 4}" text-anchor="end">{Number(max)}</text>"""));
        svg.Append(Invariant($"""<text x="{left - 6}" y="{top + plotHeight}" text-anchor="end">0</text>"""));
        svg.Append(Invariant($"""<text x="4" y="{top + (plotHeight / 2)}" transform="rotate(-90 10 {top + (plotHeight / 2)})">{Encode(unit)}</text>"""));
        var labelEvery = bars.Count <= 12 ? 1 : (int)Math.Ceiling(bars.Count / 6.0);
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value, title) = bars[i];
            var h = value / max * plotHeight;
            var x = left + (i * step) + (gap / 2);
            svg.Append(Invariant($"""<rect class="bar" x="{x:F1}" y="{top + plotHeight - h:F1}" width="{Math.Max(step - gap, 0.5):F1}" height="{h:F1}"><title>{Encode(title)}</title></rect>"""));
            if (i % labelEvery == 0)
            {
                svg.Append(Invariant($"""<text x="{x + ((step - gap) / 2):F1}" y="{height - 6}" text-anchor="middle">{Encode(label)}</text>"""));
            }
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>A number with at most three significant decimals, invariant.</summary>
    public static string Number(double value) => value switch
    {
        >= 100 => Invariant($"{value:N0}"),
        >= 10 => Invariant($"{value:0.#}"),
        _ => Invariant($"{value:0.##}"),
    };
}
