using System.CommandLine;
using System.Globalization;
using Argus.Devices;
using Argus.LoadTesting.Load;
using Argus.LoadTesting.Reports;
using Argus.LoadTesting.Targets;
using Spectre.Console;

namespace Argus.Cli;

/// <summary>
/// <c>argus bench</c>: a load test in the manner of Triton's perf_analyzer, closed or open loop, against a silo's HTTP
/// API, the cluster through the SDK, or the model's raw ONNX Runtime session in this process.
/// </summary>
internal static class BenchCommand
{
    private const string DefaultImages = "/usr/share/doc/opencv-doc/examples/data";

    public static Command Create(IAnsiConsole console)
    {
        // Numbers are read as text and checked here, so every bad argument is listed at once and exits with 2.
        var target = new Option<string?>("--target") { Description = "What to load: http (a silo's HTTP API), sdk (the cluster through the SDK) or raw (the model's ONNX Runtime session in this process)." };
        var url = new Option<string>("--url") { Description = "The silo's HTTP address, for --target http.", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var apiKey = new Option<string?>("--api-key")
        {
            Description = "For --target http: a silo's API key with the infer role (Argus:Auth), sent as X-Api-Key. Default: $ARGUS_API_KEY.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ARGUS_API_KEY"),
        };
        var model = new Option<string>("--model", "-m") { Description = "The model.", DefaultValueFactory = _ => "resnet18" };
        var images = new Option<string>("--images") { Description = "A folder of *.jpg photos, sent round robin.", DefaultValueFactory = _ => DefaultImages };
        var concurrency = new Option<string?>("--concurrency-range") { Description = "Closed loop: callers start:end[:step], step xK (multiply) or +K / K (add), e.g. 1:32:x2." };
        var rate = new Option<string?>("--request-rate-range") { Description = "Open loop: Poisson arrivals per second start:end[:step], e.g. 10:80:x2." };
        var interval = new Option<string>("--measurement-interval") { Description = "Length of one measurement window, ms.", DefaultValueFactory = _ => "5000" };
        var stability = new Option<string>("--stability-percentage") { Description = "Stable when the last 3 windows' throughput and p95 lie within this % of their mean.", DefaultValueFactory = _ => "10" };
        var trials = new Option<string>("--max-trials") { Description = "The most windows per level.", DefaultValueFactory = _ => "10" };
        var slo = new Option<string>("--slo-ms") { Description = "Latency objective: images answered within it count as goodput.", DefaultValueFactory = _ => "120" };
        var batch = new Option<string>("--batch-size", "-b") { Description = "Images per request.", DefaultValueFactory = _ => "1" };
        var outstanding = new Option<string>("--max-outstanding") { Description = "Open loop: the most requests outstanding; arrivals beyond are dropped and counted.", DefaultValueFactory = _ => "256" };
        var seed = new Option<string?>("--seed") { Description = "Open loop: the arrival schedule's seed, to repeat a run." };
        var lane = new Option<string>("--lane") { Description = "Priority lane: realtime, interactive or batch.", DefaultValueFactory = _ => "interactive" };
        var settings = new Option<string>("--settings") { Description = "For --target raw: a silo's appsettings.json declaring the model (default: the silo's own defaults).", DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "silo.appsettings.json") };
        var csv = new Option<string?>("--csv") { Description = "Also write one CSV row per level to this file." };
        var plots = new Option<string?>("--plot-dir") { Description = "Also draw PNG plots (latency vs load, throughput vs batch size) into this folder." };
        var command = new Command("bench", "Load-tests a target level by level, each measured until stable; reports throughput, latency percentiles, goodput, rejections, batch sizes and the devices that answered.")
        {
            target, url, apiKey, model, images, concurrency, rate, interval, stability, trials, slo, batch, outstanding, seed, lane, settings, csv, plots,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            List<string> problems = [];
            var sweep = new LoadSweepOptions
            {
                MeasurementInterval = TimeSpan.FromMilliseconds(Number(parse.GetValue(interval)!, "--measurement-interval", problems)),
                StabilityPercentage = Number(parse.GetValue(stability)!, "--stability-percentage", problems),
                MaxTrials = Whole(parse.GetValue(trials)!, "--max-trials", problems),
                SloMs = Number(parse.GetValue(slo)!, "--slo-ms", problems),
                ImagesPerRequest = Whole(parse.GetValue(batch)!, "--batch-size", problems),
                MaxOutstanding = Whole(parse.GetValue(outstanding)!, "--max-outstanding", problems),
                Seed = parse.GetValue(seed) is { } s ? Whole(s, "--seed", problems) : null,
            };
            switch (parse.GetValue(concurrency), parse.GetValue(rate))
            {
                case (null, null) or ({ }, { }):
                    problems.Add("Give either --concurrency-range or --request-rate-range.");
                    break;
                case ({ } range, null):
                    sweep.Mode = LoadMode.Concurrency;
                    sweep.Range = Range(range, integers: true, "--concurrency-range", problems);
                    break;
                case (null, { } range):
                    sweep.Mode = LoadMode.RequestRate;
                    sweep.Range = Range(range, integers: false, "--request-rate-range", problems);
                    break;
            }

            if (problems.Count == 0)
            {
                problems.AddRange(sweep.Validate());
            }

            var kind = parse.GetValue(target);
            if (kind is not ("http" or "sdk" or "raw"))
            {
                problems.Add($"--target must be http, sdk or raw (is {(kind is null ? "missing" : $"'{kind}'")}).");
            }

            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
            {
                problems.Add($"--url must be an http(s) address (is '{parse.GetValue(url)}').");
            }

            if (!Enum.TryParse<Lane>(parse.GetValue(lane), ignoreCase: true, out var chosenLane) || !Enum.IsDefined(chosenLane))
            {
                problems.Add($"--lane must be realtime, interactive or batch (is '{parse.GetValue(lane)}').");
            }

            if (kind == "http")
            {
                problems.AddRange(ArgusCli.TlsProblems(parse));
            }

            if (problems.Count > 0)
            {
                problems.ForEach(p => console.MarkupLineInterpolated($"[red]argus bench:[/] {p}"));
                return 2;
            }

            var run = new BenchRun(console, parse.GetValue(images)!, sweep, parse.GetValue(csv), parse.GetValue(plots));
            var name = parse.GetValue(model)!;
            return kind switch
            {
                "http" => await run.RunAsync(() => new HttpTarget(baseAddress!, name, chosenLane, parse.GetValue(apiKey), ArgusCli.Tls(parse)), cancellationToken),
                "sdk" => await ArgusCli.WithClientAsync(
                    parse, console, client => run.RunAsync(() => new SdkTarget(client, name, chosenLane), cancellationToken), cancellationToken),
                _ => await run.RunAsync(() => LoadRaw(parse.GetValue(settings)!, name), cancellationToken),
            };
        });
        return command;
    }

    private static RawTarget LoadRaw(string settings, string model)
    {
        var (inference, options) = SiloSettings.Read(settings, model);
        return RawTarget.Load(inference, options);
    }

    private static double Number(string text, string name, List<string> problems)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        problems.Add($"{name} must be a number (is '{text}').");
        return 0;
    }

    private static int Whole(string text, string name, List<string> problems)
    {
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        problems.Add($"{name} must be a whole number (is '{text}').");
        return 0;
    }

    private static LoadRange Range(string text, bool integers, string name, List<string> problems)
    {
        if (LoadRange.TryParse(text, integers, out var range, out var error))
        {
            return range!;
        }

        problems.Add($"{name}: {error}");
        return new LoadRange(1, 1, 1, Multiplies: false);
    }

    /// <summary>One run of the command once its arguments are sound: load the photos, check the target answers, sweep, report.</summary>
    private sealed class BenchRun(IAnsiConsole console, string imagesDir, LoadSweepOptions sweep, string? csvPath, string? plotDir)
    {
        public async Task<int> RunAsync(Func<ILoadTarget> create, CancellationToken cancellationToken)
        {
            ILoadTarget target;
            ImageSet images;
            try
            {
                target = create();
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
            {
                console.MarkupLineInterpolated($"[red]argus bench: cannot load the model:[/] {e.Message}");
                return 2;
            }

            await using (target)
            {
                try
                {
                    // This process decodes for the raw session, so photos it cannot use are left out; a silo judges its own.
                    images = ImageSet.Load(imagesDir, target is RawTarget raw ? raw.Check : null);
                }
                catch (Exception e) when (e is IOException or InvalidOperationException)
                {
                    console.MarkupLineInterpolated($"[red]argus bench:[/] {e.Message}");
                    return 2;
                }

                foreach (var leftOut in images.LeftOut)
                {
                    console.MarkupLineInterpolated($"[yellow]Left out[/] {leftOut}");
                }

                if (await ProbeAsync(target, images, cancellationToken) is { } problem)
                {
                    console.MarkupLineInterpolated($"[red]argus bench: {target.Description} does not answer:[/] {problem}");
                    return 2;
                }

                console.MarkupLineInterpolated(
                    $"argus bench: {target.Description}; {images.All.Count} photos from {images.Folder}; {(sweep.Mode == LoadMode.Concurrency ? "concurrency" : "request rate")} {sweep.Range}; SLO {sweep.SloMs.ToString("G6", CultureInfo.InvariantCulture)} ms.");
                var steps = await LoadSweep.RunAsync(
                    target, images, sweep, step => console.WriteLine(ConsoleReport.StepLine(step)), cancellationToken: cancellationToken);
                var report = new LoadReport(target.Description, sweep, steps);
                ConsoleReport.Write(console, report);
                if (csvPath is not null)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(csvPath))!);
                    await using (var writer = new StreamWriter(csvPath))
                    {
                        CsvReport.Write(writer, report);
                    }

                    console.MarkupLineInterpolated($"Wrote {csvPath}.");
                }

                if (plotDir is not null)
                {
                    foreach (var path in PlotReport.Write(plotDir, report))
                    {
                        console.MarkupLineInterpolated($"Wrote {path}.");
                    }
                }

                return 0;
            }
        }

        /// <summary>One request before measuring: it warms the path, and a target that cannot answer at all stops the run.</summary>
        private static async Task<string?> ProbeAsync(ILoadTarget target, ImageSet images, CancellationToken cancellationToken)
        {
            try
            {
                var answer = await target.SendAsync([images.All[0].Data], cancellationToken);
                return answer.Items[0].Error is { Kind: not Argus.Errors.ErrorKind.Overloaded } error ? $"{error.Kind}: {error.Message}" : null;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                return e.Message;
            }
        }
    }
}
