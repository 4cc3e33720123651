using System.CommandLine;
using System.Globalization;
using Argus.Cameras;
using Argus.Client;
using Argus.Devices;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Argus.Cli;

/// <summary><c>argus camera add|list|show|remove</c>: cameras through the SDK.</summary>
internal static class CameraCommand
{
    /// <summary>How often <c>show --watch</c> redraws.</summary>
    private static readonly TimeSpan WatchPeriod = TimeSpan.FromSeconds(1);

    public static Command Create(IAnsiConsole console) => new("camera", "Adds, lists, shows and removes cameras.")
    {
        Add(console), List(console), Show(console), Remove(console),
    };

    /// <summary>
    /// Parses <c>name:kind:model:threshold:K/N</c>, e.g. <c>people:scene-change:resnet18:0.25:2/3</c>; kind is
    /// <c>detection</c> or <c>scene-change</c>.
    /// </summary>
    internal static AlertRule? ParseRule(string text, List<string> problems)
    {
        var parts = text.Split(':');
        var window = parts.Length == 5 ? parts[4].Split('/') : [];
        if (parts.Length != 5 || window.Length != 2)
        {
            problems.Add($"--rule '{text}' is not name:kind:model:threshold:K/N (e.g. change:scene-change:resnet18:0.25:2/3).");
            return null;
        }

        var kind = parts[1].Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToLowerInvariant() switch
        {
            "detection" => AlertRuleKind.Detection,
            "scenechange" => (AlertRuleKind?)AlertRuleKind.SceneChange,
            _ => null,
        };
        var threshold = double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var t) ? t : (double?)null;
        var k = int.TryParse(window[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kk) ? kk : (int?)null;
        var n = int.TryParse(window[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var nn) ? nn : (int?)null;
        if (kind is null)
        {
            problems.Add($"--rule '{text}': the kind '{parts[1]}' is neither detection nor scene-change.");
        }

        if (threshold is null || k is null || n is null)
        {
            problems.Add($"--rule '{text}': the threshold must be a number and K/N whole numbers.");
        }

        return kind is { } ruleKind && threshold is { } th && k is { } kv && n is { } nv
            ? new AlertRule(parts[0], ruleKind, parts[2], th, kv, nv)
            : null;
    }

    private static Command Add(IAnsiConsole console)
    {
        var id = new Argument<string>("id") { Description = "The camera's id: letters, digits, '-', '_' or '.'." };
        var source = new Option<string>("--source", "-s")
        {
            Description = "A video file, an rtsp:// URL (read by a connector in the cluster), or push (frames sent to it).",
            DefaultValueFactory = _ => CameraConfig.PushSource,
        };
        var models = new Option<string[]>("--model", "-m") { Description = "A model each frame runs through (repeat for several).", Required = true };
        var fps = new Option<double>("--fps") { Description = "Frames analysed per second at most.", DefaultValueFactory = _ => 5 };
        var inFlight = new Option<int>("--max-in-flight") { Description = "Frames analysed at once at most.", DefaultValueFactory = _ => 1 };
        var latency = new Option<double>("--latency-ms") { Description = "Capture-to-result latency target (each frame's deadline).", DefaultValueFactory = _ => 200 };
        var lane = new Option<Lane>("--lane") { Description = "Priority lane on the devices.", DefaultValueFactory = _ => Lane.Realtime };
        var loop = new Option<bool>("--loop") { Description = "For a video file: start again at its end." };
        var rules = new Option<string[]>("--rule")
        {
            Description = "An alert rule name:kind:model:threshold:K/N, kind detection or scene-change (repeat for several).",
        };
        var command = new Command("add", "Adds a camera, or changes its configuration.") { id, source, models, fps, inFlight, latency, lane, loop, rules };
        command.SetAction(async (parse, cancellationToken) =>
        {
            List<string> problems = [];
            var parsed = (parse.GetValue(rules) ?? []).Select(r => ParseRule(r, problems)).ToArray();
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    console.MarkupLineInterpolated($"[red]{problem}[/]");
                }

                return 2;
            }

            var config = new CameraConfig
            {
                Source = parse.GetValue(source)!,
                Models = parse.GetValue(models)!,
                TargetFps = parse.GetValue(fps),
                MaxInFlight = parse.GetValue(inFlight),
                LatencyTargetMs = parse.GetValue(latency),
                Lane = parse.GetValue(lane),
                Loop = parse.GetValue(loop),
                Rules = [.. parsed.OfType<AlertRule>()],
            };
            return await ArgusCli.WithClientAsync(parse, console, async client =>
            {
                var camera = parse.GetValue(id)!;
                await client.ConfigureCameraAsync(camera, config);
                console.MarkupLineInterpolated($"Camera [bold]{camera}[/] configured: {config.Source}, {string.Join(", ", config.Models)}, {config.Rules.Count} rule(s).");
                return 0;
            }, cancellationToken);
        });
        return command;
    }

    private static Command List(IAnsiConsole console)
    {
        var command = new Command("list", "Lists the cameras with their source, models and rates.");
        command.SetAction((parse, cancellationToken) => ArgusCli.WithClientAsync(parse, console, async client =>
        {
            var ids = await client.ListCamerasAsync();
            var table = new Table().AddColumns("Camera", "Source", "Models", "Rules", "Fps (achieved/target)", "Analysed", "Dropped", "Skipped", "Alerts", "Silo");
            foreach (var camera in ids)
            {
                if (await client.GetCameraAsync(camera) is not { } config)
                {
                    continue; // removed meanwhile
                }

                var s = await client.GetCameraStatsAsync(camera);
                table.AddRow(
                    camera, Markup.Escape(config.Source), Markup.Escape(string.Join(", ", config.Models)), Count(config.Rules.Count),
                    Invariant($"{s.AchievedFps:F1}/{s.TargetFps:0.#}"), Count(s.Analysed), Count(s.Dropped), Count(s.Skipped), Count(s.Alerts), s.Silo);
            }

            console.Write(table);
            console.MarkupLineInterpolated($"{ids.Count} camera(s).");
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Show(IAnsiConsole console)
    {
        var id = new Argument<string>("id") { Description = "The camera's id." };
        var watch = new Option<bool>("--watch", "-w") { Description = "Keep the statistics on screen, refreshed every second, until Ctrl-C." };
        var command = new Command("show", "Shows a camera's configuration, statistics and recent alerts.") { id, watch };
        command.SetAction((parse, cancellationToken) => ArgusCli.WithClientAsync(parse, console, async client =>
        {
            var camera = parse.GetValue(id)!;
            if (await client.GetCameraAsync(camera) is not { } config)
            {
                console.MarkupLineInterpolated($"[red]No camera '{camera}'.[/]");
                return 2;
            }

            if (!parse.GetValue(watch))
            {
                console.Write(await ViewAsync(client, camera, config));
                return 0;
            }

            await console.Live(await ViewAsync(client, camera, config)).StartAsync(async live =>
            {
                try
                {
                    while (true)
                    {
                        await Task.Delay(WatchPeriod, cancellationToken);
                        live.UpdateTarget(await ViewAsync(client, camera, config));
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Ctrl-C: the last view stays on screen.
                }
            });
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Remove(IAnsiConsole console)
    {
        var id = new Argument<string>("id") { Description = "The camera's id." };
        var command = new Command("remove", "Removes a camera: its connector stops, its state is cleared.") { id };
        command.SetAction((parse, cancellationToken) => ArgusCli.WithClientAsync(parse, console, async client =>
        {
            var camera = parse.GetValue(id)!;
            if (await client.GetCameraAsync(camera) is null)
            {
                console.MarkupLineInterpolated($"[red]No camera '{camera}'.[/]");
                return 2;
            }

            await client.RemoveCameraAsync(camera);
            console.MarkupLineInterpolated($"Camera [bold]{camera}[/] removed.");
            return 0;
        }, cancellationToken));
        return command;
    }

    /// <summary>The configuration, the statistics and the last alerts of a camera, as one renderable.</summary>
    private static async Task<IRenderable> ViewAsync(IArgusClient client, string camera, CameraConfig config)
    {
        var s = await client.GetCameraStatsAsync(camera);
        var stats = new Table().AddColumns("Received", "Analysed", "Dropped", "Skipped", "Failed", "p50 ms", "p95 ms", "p99 ms", "Fps (achieved/target)", "Alerts", "Silo");
        stats.Title = new TableTitle($"{camera}: {Markup.Escape(config.Source)} → {Markup.Escape(string.Join(", ", config.Models))}");
        stats.AddRow(
            Count(s.Received), Count(s.Analysed), Count(s.Dropped), Count(s.Skipped), Count(s.Failed),
            Invariant($"{s.P50Ms:F1}"), Invariant($"{s.P95Ms:F1}"), Invariant($"{s.P99Ms:F1}"), Invariant($"{s.AchievedFps:F1}/{s.TargetFps:0.#}"),
            Count(s.Alerts), s.Silo);

        var rules = new Table().AddColumns("Rule", "Kind", "Model", "Threshold", "K/N");
        foreach (var r in config.Rules)
        {
            rules.AddRow(Markup.Escape(r.Name), r.Kind.ToString(), Markup.Escape(r.Model), Invariant($"{r.Threshold:0.###}"), Invariant($"{r.K}/{r.N}"));
        }

        var alerts = new Table().AddColumns("#", "Raised (UTC)", "Rule", "Score", "What");
        foreach (var a in (await client.GetRecentAlertsAsync(camera)).TakeLast(5))
        {
            alerts.AddRow(Count(a.Sequence), Invariant($"{a.RaisedAt:HH:mm:ss.fff}"), Markup.Escape(a.Rule), Invariant($"{a.Score:F3}"), Markup.Escape(a.Message));
        }

        return new Rows(stats, rules, alerts);
    }

    private static string Count(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
