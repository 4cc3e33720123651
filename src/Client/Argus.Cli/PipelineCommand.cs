using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Argus.Client;
using Argus.Pipelines;
using Spectre.Console;
using Spectre.Console.Rendering;
using static System.FormattableString;

namespace Argus.Cli;

/// <summary>
/// <c>argus pipeline put|get|list|delete|submit|items|item|backfill</c>: two-tier pipelines through the SDK, which reaches
/// them over a silo's HTTP API (<c>--api</c>, <c>--api-key</c>).
/// </summary>
internal static class PipelineCommand
{
    /// <summary>How often <c>backfill --watch</c> asks for the backfill's progress.</summary>
    private static readonly TimeSpan WatchPeriod = TimeSpan.FromSeconds(1);

    private static readonly Argument<string> Id = new("id") { Description = "The pipeline's id." };

    public static Command Create(IAnsiConsole console) => new("pipeline", "Two-tier pipelines: a fast model decides now, a heavy model decides later.")
    {
        ArgusCli.Api, ArgusCli.ApiKey, Put(console), Get(console), List(console), Delete(console), Submit(console), Items(console), Item(console), Backfill(console),
    };

    /// <summary>
    /// A time as <c>--since</c>, <c>--from</c> and <c>--to</c> take it: ISO-8601 (UTC unless it says otherwise), or a
    /// duration before <paramref name="now"/> as a number and a unit, <c>90s</c>, <c>15m</c>, <c>2h</c>, <c>1d</c>.
    /// </summary>
    internal static DateTime? ParseTime(string text, DateTime now, string option, List<string> problems)
    {
        if (text.Length >= 2 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
        {
            TimeSpan? ago = text[^1] switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (ago is { } a)
            {
                return now - a;
            }
        }

        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        problems.Add($"{option} '{text}' is neither an ISO-8601 time (2026-12-06T09:00:00Z) nor a duration ago (90s, 15m, 2h, 1d).");
        return null;
    }

    /// <summary>A rule as one line: <c>block Porn ≥ 0.9; review Porn ≥ 0.4, Sexy ≥ 0.6</c>.</summary>
    internal static string Rule(DecisionRule rule)
    {
        static string Thresholds(IReadOnlyDictionary<string, double> t) =>
            string.Join(", ", t.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Invariant($"{p.Key} ≥ {p.Value}")));
        var parts = new[] { ("block", rule.Block), ("review", rule.Review) }.Where(p => p.Item2.Count > 0).Select(p => $"{p.Item1} {Thresholds(p.Item2)}").ToList();
        return parts.Count == 0 ? "allow everything" : string.Join("; ", parts);
    }

    /// <summary>A tier's result as one line: decision, model and version, the best scores and how long it took.</summary>
    internal static string Result(TierResult r) =>
        Invariant($"{Name(r.Decision)} by {r.Model} {r.Version} ({Scores(r)}) in {(r.FinishedAt - r.StartedAt).TotalMilliseconds:F0} ms")
        + (r.Backfill is { } b ? $", backfill {b}" : "");

    /// <summary>A backfill's progress as one line.</summary>
    internal static string Progress(BackfillStatus s) =>
        Invariant($"Backfill {s.Id} {Name(s.State)}: {s.Items} items, {s.Rescored} re-scored, {s.Skipped} skipped, {s.Failed} failed, ")
        + Invariant($"at {s.Reached:yyyy-MM-dd HH:mm} of {s.From:yyyy-MM-dd HH:mm}–{s.To:yyyy-MM-dd HH:mm} UTC ({s.Model} {s.Version})")
        + (s.Error is { } e ? $": {e}" : "");

    private static int Refuse(IAnsiConsole console, IEnumerable<string> problems)
    {
        foreach (var problem in problems)
        {
            console.MarkupLineInterpolated($"[red]{problem}[/]");
        }

        return 2;
    }

    private static Command Put(IAnsiConsole console)
    {
        var file = new Option<FileInfo>("--file", "-f") { Description = "The spec: a JSON object of snake_case fields (fast_model, fast_rule, heavy_model, …).", Required = true };
        var command = new Command("put", "Creates a pipeline or replaces its spec; every problem of the spec is listed.") { Id, file };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                return Refuse(console, [$"--file '{path.FullName}' does not exist."]);
            }

            var json = await File.ReadAllTextAsync(path.FullName, cancellationToken);
            return await ArgusCli.WithApiClientAsync(parse, console, async client =>
            {
                var id = parse.GetValue(Id)!;
                console.Write(View(id, await client.PutPipelineAsync(id, json, cancellationToken)));
                return 0;
            }, cancellationToken);
        });
        return command;
    }

    private static Command Get(IAnsiConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Print the spec as JSON, the shape put --file takes." };
        var command = new Command("get", "Shows a pipeline's spec.") { Id, json };
        command.SetAction((parse, cancellationToken) => ArgusCli.WithApiClientAsync(parse, console, async client =>
        {
            var id = parse.GetValue(Id)!;
            var spec = await client.GetPipelineAsync(id, cancellationToken);
            if (parse.GetValue(json))
            {
                console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(spec, SpecJson));
            }
            else
            {
                console.Write(View(id, spec));
            }

            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command List(IAnsiConsole console)
    {
        var command = new Command("list", "Lists the pipelines the key may see.");
        command.SetAction((parse, cancellationToken) => ArgusCli.WithApiClientAsync(parse, console, async client =>
        {
            var pipelines = await client.ListPipelinesAsync(cancellationToken);
            var table = new Table().AddColumns("Pipeline", "Fast model", "Heavy model", "Heavy items", "Fast p95 target", "Deadline", "Tenant");
            foreach (var (id, s) in pipelines)
            {
                table.AddRow(
                    Markup.Escape(id), Markup.Escape(s.FastModel), Markup.Escape(s.HeavyModel), Heavy(s),
                    Invariant($"{s.FastP95Ms:0.#} ms"), Invariant($"{s.DeadlineS:0.#} s"), Markup.Escape(s.Tenant ?? "-"));
            }

            console.Write(table);
            console.MarkupLineInterpolated($"{pipelines.Count} pipeline(s).");
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Delete(IAnsiConsole console)
    {
        var command = new Command("delete", "Deletes a pipeline; its items stay readable by id until their store is cleared.") { Id };
        command.SetAction((parse, cancellationToken) => ArgusCli.WithApiClientAsync(parse, console, async client =>
        {
            var id = parse.GetValue(Id)!;
            if (await client.DeletePipelineAsync(id, cancellationToken))
            {
                console.MarkupLineInterpolated($"Pipeline [bold]{id}[/] deleted.");
                return 0;
            }

            console.MarkupLineInterpolated($"[red]No pipeline '{id}'.[/]");
            return 1;
        }, cancellationToken));
        return command;
    }

    private static Command Submit(IAnsiConsole console)
    {
        var images = new Argument<FileInfo[]>("image") { Description = "The images, one item each.", Arity = ArgumentArity.OneOrMore };
        var item = new Option<string?>("--item") { Description = "The item's id, its idempotency key (one image only); default: the silo makes one." };
        var command = new Command("submit", "Submits images to a pipeline and prints the fast tier's provisional decisions.") { Id, images, item };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var files = parse.GetValue(images)!;
            List<string> problems = [.. files.Where(f => !f.Exists).Select(f => $"'{f.FullName}' does not exist.")];
            if (parse.GetValue(item) is not null && files.Length != 1)
            {
                problems.Add($"--item names one item; {files.Length} images were given.");
            }

            if (problems.Count > 0)
            {
                return Refuse(console, problems);
            }

            return await ArgusCli.WithApiClientAsync(parse, console, async client =>
            {
                var id = parse.GetValue(Id)!;
                var table = new Table().AddColumns("Item", "Image", "State", "Provisional", "Final");
                foreach (var file in files)
                {
                    await using var image = file.OpenRead();
                    var submitted = await client.SubmitAsync(id, image, parse.GetValue(item), cancellationToken);
                    table.AddRow(
                        Markup.Escape(submitted.Id), Markup.Escape(file.Name), Name(submitted.State),
                        Markup.Escape(submitted.Provisional is { } p ? Result(p) : "-"),
                        Markup.Escape(submitted.Final is { } f ? Name(f.Decision) : submitted.Heavy ? "pending (heavy tier)" : "-"));
                }

                console.Write(table);
                return 0;
            }, cancellationToken);
        });
        return command;
    }

    private static Command Items(IAnsiConsole console)
    {
        var state = new Option<PipelineItemState?>("--state") { Description = "Only items in this state: pending, final or failed." };
        var since = new Option<string>("--since") { Description = "The window's start on submit time: ISO-8601 or a duration ago (15m, 2h, 1d; at most 7 days).", DefaultValueFactory = _ => "1h" };
        var limit = new Option<int>("--limit") { Description = "The most items shown.", DefaultValueFactory = _ => 100 };
        var command = new Command("items", "Lists a pipeline's items submitted in a window, oldest first.") { Id, state, since, limit };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var now = DateTime.UtcNow;
            List<string> problems = [];
            var from = ParseTime(parse.GetValue(since)!, now, "--since", problems);
            var most = parse.GetValue(limit);
            if (most < 1)
            {
                problems.Add(Invariant($"--limit must be at least 1 (is {most})."));
            }

            if (problems.Count > 0)
            {
                return Refuse(console, problems);
            }

            return await ArgusCli.WithApiClientAsync(parse, console, async client =>
            {
                var table = new Table().AddColumns("Item", "State", "Submitted (UTC)", "Finished (UTC)", "Provisional", "Final");
                var shown = 0;
                var more = false;
                await foreach (var e in client.ListItemsAsync(parse.GetValue(Id)!, parse.GetValue(state), from, now, Math.Min(most, 1000), cancellationToken))
                {
                    if (shown == most)
                    {
                        more = true;
                        break;
                    }

                    table.AddRow(
                        Markup.Escape(e.Id), Name(e.State), Invariant($"{e.SubmittedAt:yyyy-MM-dd HH:mm:ss}"),
                        e.FinishedAt is { } f ? Invariant($"{f:yyyy-MM-dd HH:mm:ss}") : "-",
                        e.Provisional is { } p ? Name(p) : "-", e.Final is { } d ? Name(d) : "-");
                    shown++;
                }

                console.Write(table);
                console.MarkupLineInterpolated($"{shown} item(s){(more ? $"; more in the window (raise --limit)" : "")}.");
                return 0;
            }, cancellationToken);
        });
        return command;
    }

    private static Command Item(IAnsiConsole console)
    {
        var item = new Argument<string>("item") { Description = "The item's id." };
        var command = new Command("item", "Shows an item: its provisional and final results, the finals a backfill replaced, or why it failed.") { Id, item };
        command.SetAction((parse, cancellationToken) => ArgusCli.WithApiClientAsync(parse, console, async client =>
        {
            console.Write(View(await client.GetItemAsync(parse.GetValue(Id)!, parse.GetValue(item)!, cancellationToken)));
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Backfill(IAnsiConsole console)
    {
        var version = new Option<string>("--version") { Description = "The model version to re-score with.", Required = true };
        var model = new Option<string?>("--model") { Description = "The model; default the pipeline's heavy model." };
        var from = new Option<string?>("--from") { Description = "The window's start on submit time: ISO-8601 or a duration ago (2h, 7d); default no bound." };
        var to = new Option<string?>("--to") { Description = "The window's end, as --from; default now." };
        var backfill = new Option<string?>("--backfill-id") { Description = "The backfill's id; starting it again answers its status. Default: the silo makes one." };
        var watch = new Option<bool>("--watch", "-w") { Description = "Print the progress until the backfill ends; exit 0 when it completed, 1 otherwise." };
        var command = new Command("backfill", "Re-scores a pipeline's items with another model version, keeping the old results beside the new.")
        {
            Id, version, model, from, to, backfill, watch,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var now = DateTime.UtcNow;
            List<string> problems = [];
            var start = parse.GetValue(from) is { } f ? ParseTime(f, now, "--from", problems) : null;
            var end = parse.GetValue(to) is { } t ? ParseTime(t, now, "--to", problems) : null;
            if (problems.Count > 0)
            {
                return Refuse(console, problems);
            }

            return await ArgusCli.WithApiClientAsync(parse, console, async client =>
            {
                var id = parse.GetValue(Id)!;
                var status = await client.StartBackfillAsync(id, parse.GetValue(version)!, parse.GetValue(model), start, end, parse.GetValue(backfill), cancellationToken);
                console.MarkupLineInterpolated($"{Progress(status)}");
                if (!parse.GetValue(watch))
                {
                    return 0;
                }

                var last = status;
                try
                {
                    await foreach (var next in client.WatchBackfillAsync(id, status.Id, WatchPeriod, cancellationToken))
                    {
                        if (next != last)
                        {
                            console.MarkupLineInterpolated($"{Progress(next)}");
                        }

                        last = next;
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    console.MarkupLineInterpolated($"Stopped watching; backfill [bold]{status.Id}[/] goes on.");
                    return JobCommand.Interrupted;
                }

                return last.State == BackfillState.Completed ? 0 : 1;
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>A spec as <c>get --json</c> prints it: the shape <c>put --file</c> reads.</summary>
    private static readonly JsonSerializerOptions SpecJson = new(ArgusJson.Options) { WriteIndented = true };

    private static IRenderable View(string id, PipelineSpec s)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string name, string value) => grid.AddRow(new Text(name), new Text(value));
        Row("Pipeline", id);
        Row("Fast tier", Invariant($"{s.FastModel}{(s.FastVersion is { } fv ? " " + fv : "")}: {Rule(s.FastRule)}; p95 target {s.FastP95Ms:0.#} ms"));
        Row("Heavy tier", Invariant($"{s.HeavyModel}{(s.HeavyVersion is { } hv ? " " + hv : "")}: {Rule(s.HeavyRule)}; {Heavy(s)}; deadline {s.DeadlineS:0.#} s"));
        if (s.Webhook is { } hook) Row("Webhook", hook);
        if (s.Archive is { } archive) Row("Archive", archive);
        if (s.Watch is { } watched) Row("Watch", watched);
        if (s.Output is { } output) Row("Finals table", $"{output} ({(s.Format == Argus.Jobs.JobOutputFormat.Parquet ? "parquet" : "jsonl")})");
        if (s.RetentionDays is { } days) Row("Retention", Invariant($"{days:0.###} days from submit"));
        if (s.Tenant is { } tenant) Row("Tenant", tenant);
        return grid;
    }

    private static IRenderable View(PipelineItem item)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string name, string value) => grid.AddRow(new Text(name), new Text(value));
        Row("Item", $"{item.Pipeline}/{item.Id}");
        Row("State", Name(item.State) + (item.Heavy ? "" : " (not sent to the heavy tier)"));
        Row("Submitted", Invariant($"{item.SubmittedAt:yyyy-MM-dd HH:mm:ss.fff} UTC"));
        if (item.Provisional is { } p) Row("Provisional", Result(p));
        if (item.Final is { } f) Row("Final", Result(f) + Invariant($", {(f.FinishedAt - item.SubmittedAt).TotalSeconds:F1} s after submit"));
        for (var i = item.Superseded.Count - 1; i >= 0; i--)
        {
            Row(i == item.Superseded.Count - 1 ? "Replaced" : "", Result(item.Superseded[i]));
        }

        if (item.Error is { } e) Row("Error", $"{Name(e.Kind)}: {e.Message}");
        if (item.Image is { } image) Row("Image", image);
        return grid;
    }

    private static string Heavy(PipelineSpec s) =>
        s.HeavyItems == HeavyItems.All ? "all items" : Invariant($"review + {s.HeavySample * 100:0.#}% sample");

    private static string Scores(TierResult r) => string.Join(", ", r.Scores.Take(2).Select(c => Invariant($"{c.Label} {c.Score:F2}")));

    private static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
