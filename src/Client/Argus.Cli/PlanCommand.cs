using System.CommandLine;
using System.Globalization;
using Argus.Inference.Simulation;
using Argus.LoadTesting.Planning;
using Spectre.Console;

namespace Argus.Cli;

/// <summary>
/// <c>argus plan</c>: the batch size and window that keep p95 under a target on one device, its images per second,
/// and the devices a rate needs; from a latency profile or a curve measured on the spot. Needs no cluster.
/// </summary>
internal static class PlanCommand
{
    private static readonly Option<string?> Profile = new("--profile")
    {
        Description = $"The device's latency curve: '{LatencyProfile.TextbookName}' (the default) or a profile file.",
    };

    private static readonly Option<string?> Measure = new("--measure")
    {
        Description = "Measure this ONNX model's curve on this machine's device (CUDA if it loads, else the CPU) instead.",
    };

    private static readonly Option<string?> Preprocess = new("--preprocess") { Description = "A preprocessing graph run before the measured model." };

    private static readonly Option<string> Input = new("--input")
    {
        Description = "One item's shape for --measure, as preprocessing makes it.",
        DefaultValueFactory = _ => "3x224x224",
    };

    private static readonly Option<int> Runs = new("--runs") { Description = "Timed runs per batch size for --measure.", DefaultValueFactory = _ => 20 };

    private static readonly Option<int?> MaxBatch = new("--max-batch")
    {
        Description = "The largest batch to plan with (and to measure; 16 when measuring without it). Default: twice the curve's largest batch.",
    };

    private static readonly Option<double> P95 = new("--p95-ms") { Description = "The p95 latency target in milliseconds.", Required = true };

    private static readonly Option<double?> Rate = new("--rate") { Description = "Images per second to serve: how many devices they need." };

    private static readonly Option<string?> SaveProfile = new("--save-profile") { Description = "Write the (measured or given) curve to this file as JSON." };

    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("plan", "Recommends a batch size and window for a p95 target, and the devices a rate needs; needs no cluster.")
        {
            Profile, Measure, Preprocess, Input, Runs, MaxBatch, P95, Rate, SaveProfile,
        };
        command.SetAction((parse, cancellationToken) => Task.FromResult(Run(parse, console, cancellationToken)));
        return command;
    }

    private static int Run(ParseResult parse, IAnsiConsole console, CancellationToken cancellationToken)
    {
        if (Check(parse) is { } problem)
        {
            return Fail(console, problem);
        }

        var curve = parse.GetValue(Measure) is null ? Resolve(parse, console) : Record(parse, console, cancellationToken);
        if (curve is null)
        {
            return 2;
        }

        if (parse.GetValue(SaveProfile) is { } savePath)
        {
            try
            {
                curve.Save(savePath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Fail(console, $"Cannot write {savePath}: {e.Message}");
            }

            console.WriteLine($"Profile saved to {Path.GetFullPath(savePath)}.");
        }

        var plan = CapacityPlanner.Plan(curve, parse.GetValue(P95), parse.GetValue(Rate), parse.GetValue(MaxBatch));
        Print(console, curve, plan);
        return plan.Feasible ? 0 : 1;
    }

    private static LatencyProfile? Resolve(ParseResult parse, IAnsiConsole console)
    {
        try
        {
            return LatencyProfile.Resolve(parse.GetValue(Profile) ?? LatencyProfile.TextbookName);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            Fail(console, e.Message);
            return null;
        }
    }

    private static LatencyProfile? Record(ParseResult parse, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var model = ResolveFile(parse.GetValue(Measure)!);
        var preprocess = parse.GetValue(Preprocess) is { } p ? ResolveFile(p) : null;
        if (model is null || (parse.GetValue(Preprocess) is not null && preprocess is null))
        {
            Fail(console, $"No such model file: {(model is null ? parse.GetValue(Measure) : parse.GetValue(Preprocess))}");
            return null;
        }

        var request = new LatencyCurveRequest(model, preprocess, ParseShape(parse.GetValue(Input)!)!)
        {
            MaxBatch = parse.GetValue(MaxBatch) ?? 16,
            Runs = parse.GetValue(Runs),
            Command = "argus " + string.Join(' ', parse.Tokens.Select(t => t.Value)),
        };
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Measuring {Path.GetFileName(model)} at batch sizes {string.Join(", ", LatencyCurveRecorder.BatchSizes(request.MaxBatch))}, {request.Runs} runs each…"));
        try
        {
            return LatencyCurveRecorder.Record(
                request,
                (batch, median) => console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  batch {batch}: {median.TotalMilliseconds:F1} ms")),
                cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever ONNX Runtime or the model file threw: the command could not run.
            Fail(console, $"Cannot measure {model}: {e.Message}");
            return null;
        }
    }

    /// <summary>The first problem with the arguments, or null.</summary>
    private static string? Check(ParseResult parse)
    {
        var measure = parse.GetValue(Measure) is not null;
        if (parse.GetValue(Profile) is not null && measure)
        {
            return "Give either --profile or --measure, not both.";
        }

        if (!measure && parse.GetValue(Preprocess) is not null)
        {
            return "--preprocess goes with --measure.";
        }

        if (measure && ParseShape(parse.GetValue(Input)!) is null)
        {
            return $"--input takes a shape like 3x224x224, not '{parse.GetValue(Input)}'.";
        }

        var p95 = parse.GetValue(P95);
        if (!(p95 > 0) || !double.IsFinite(p95))
        {
            return "--p95-ms must be a positive number of milliseconds.";
        }

        if (parse.GetValue(Rate) is { } r && (!(r > 0) || !double.IsFinite(r)))
        {
            return "--rate must be a positive number of images per second.";
        }

        if (parse.GetValue(MaxBatch) is < 1)
        {
            return "--max-batch must be at least 1.";
        }

        return parse.GetValue(Runs) < 1 ? "--runs must be at least 1." : null;
    }

    private static IReadOnlyList<long>? ParseShape(string text)
    {
        var dims = text.Split('x', 'X');
        var shape = new long[dims.Length];
        for (var i = 0; i < dims.Length; i++)
        {
            if (!long.TryParse(dims[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]) || shape[i] < 1)
            {
                return null;
            }
        }

        return shape;
    }

    /// <summary>The file as given, else relative to the application (where the bundled models are), else null.</summary>
    private static string? ResolveFile(string path)
    {
        if (File.Exists(path))
        {
            return Path.GetFullPath(path);
        }

        var bundled = Path.Combine(AppContext.BaseDirectory, path);
        return !Path.IsPathRooted(path) && File.Exists(bundled) ? bundled : null;
    }

    private static void Print(IAnsiConsole console, LatencyProfile curve, CapacityPlan plan)
    {
        console.WriteLine($"Latency profile {curve.Name}: {curve.Source}");
        var table = new Table().AddColumns("Batch", "Batch ms", "img/s", "Max delay ms", "Est. p95 ms", "Fits");
        foreach (var c in plan.Candidates)
        {
            var fits = c.Fits ? "yes" : "no";
            var mark = c == plan.Recommended ? " ← recommended" : !plan.Feasible && c == plan.Fastest ? " ← fastest" : "";
            table.AddRow(
                new Text(c.BatchSize.ToString(CultureInfo.InvariantCulture)),
                new Text(c.BatchMs.ToString("F1", CultureInfo.InvariantCulture)),
                new Text(c.ItemsPerSecond.ToString("F0", CultureInfo.InvariantCulture)),
                new Text(c.MaxDelayMs.ToString("F1", CultureInfo.InvariantCulture)),
                new Text(c.EstimatedP95Ms.ToString("F1", CultureInfo.InvariantCulture)),
                new Text(fits + mark));
        }

        console.Write(table);
        var choice = plan.Choice;
        console.WriteLine(plan.Feasible
            ? string.Create(CultureInfo.InvariantCulture,
                $"Recommended for p95 ≤ {plan.P95TargetMs:0.#} ms: batch size {choice.BatchSize}, max delay {choice.MaxDelayMs:0.#} ms; est. p95 {choice.EstimatedP95Ms:0.#} ms, {choice.ItemsPerSecond:0} img/s per device; queue bound {plan.QueueBound} items.")
            : string.Create(CultureInfo.InvariantCulture,
                $"Nothing fits p95 ≤ {plan.P95TargetMs:0.#} ms: the fastest option is batch size {choice.BatchSize} at an est. p95 of {choice.EstimatedP95Ms:0.#} ms ({choice.ItemsPerSecond:0} img/s)."));
        foreach (var line in plan.Advice)
        {
            console.WriteLine("• " + line);
        }
    }

    private static int Fail(IAnsiConsole console, string message)
    {
        console.MarkupLineInterpolated($"[red]{message}[/]");
        return 2;
    }
}
