using System.CommandLine;
using System.Globalization;
using Argus.Devices;
using Spectre.Console;

namespace Argus.Cli;

/// <summary><c>argus infer &lt;images…&gt; --model NAME</c>: one request, one row per image.</summary>
internal static class InferCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var images = new Argument<FileInfo[]>("images") { Description = "Image files (JPEG, PNG, BMP, WebP).", Arity = ArgumentArity.OneOrMore };
        var model = new Option<string>("--model", "-m") { Description = "The model.", Required = true };
        var lane = new Option<Lane>("--lane") { Description = "Priority lane.", DefaultValueFactory = _ => Lane.Interactive };
        var timeout = new Option<int>("--timeout-ms") { Description = "Time budget in milliseconds.", DefaultValueFactory = _ => 10_000 };
        var version = new Option<string?>("--model-version") { Description = "The version to run; left out, the model's rollout chooses." };
        var routeKey = new Option<string?>("--route-key") { Description = "Keeps the call on one version under a canary; default the hash of the first image." };
        var command = new Command("infer", "Runs images through a model and prints one row per image (and per detection).")
        {
            images, model, lane, timeout, version, routeKey,
        };
        command.SetAction((parse, cancellationToken) => ArgusCli.WithClientAsync(parse, console, async client =>
        {
            var files = parse.GetValue(images)!;
            var missing = files.Where(f => !f.Exists).ToArray();
            if (missing.Length > 0)
            {
                console.MarkupLineInterpolated($"[red]No such file:[/] {string.Join(", ", missing.Select(f => f.FullName))}");
                return 2;
            }

            var inputs = files.Select(f => InferenceInput.FromImage(File.ReadAllBytes(f.FullName))).ToArray();
            var response = await client.InferAsync(
                parse.GetValue(model)!, inputs, parse.GetValue(lane), TimeSpan.FromMilliseconds(parse.GetValue(timeout)),
                parse.GetValue(version), parse.GetValue(routeKey), cancellationToken);

            var table = new Table().AddColumns("Image", "Result", "Queue ms", "Compute ms", "Batch");
            table.Title = new TableTitle($"{response.Model} v{response.Version} on {response.Device} ({response.DeviceKind})");
            for (var i = 0; i < files.Length; i++)
            {
                var item = response.Items[i];
                table.AddRow(
                    new Text(files[i].Name), Describe(item),
                    new Text(item.QueueMs.ToString("F1", CultureInfo.InvariantCulture)),
                    new Text(item.ComputeMs.ToString("F1", CultureInfo.InvariantCulture)),
                    new Text(item.BatchSize.ToString(CultureInfo.InvariantCulture)));
                foreach (var d in item.Detections ?? [])
                {
                    table.AddRow(Text.Empty, new Text(string.Create(CultureInfo.InvariantCulture,
                        $"  {d.Score:F3} {d.X:F0},{d.Y:F0} {d.Width:F0}×{d.Height:F0}")), Text.Empty, Text.Empty, Text.Empty);
                }
            }

            console.Write(table);
            return response.Items.Any(i => i.Error is not null) ? 1 : 0;
        }, cancellationToken));
        return command;
    }

    private static Markup Describe(ItemResult item)
    {
        if (item.Error is { } error)
        {
            return new Markup($"[red]{error.Kind}[/]: {Markup.Escape(error.Message)}");
        }

        if (item.Detections is { } detections)
        {
            return new Markup(detections.Count switch
            {
                0 => "no detections",
                1 => "1 detection (score x,y w×h):",
                var n => string.Create(CultureInfo.InvariantCulture, $"{n} detections (score x,y w×h):"),
            });
        }

        if (item.Classes is { Count: > 0 } classes)
        {
            return new Markup(Markup.Escape(string.Join(", ", classes.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Label} {c.Score:F3}")))));
        }

        var e = item.Embedding ?? [];
        return new Markup(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"embedding, {e.Length} dims: [{string.Join(", ", e.Take(3).Select(v => v.ToString("F4", CultureInfo.InvariantCulture)))}, …]")));
    }
}
