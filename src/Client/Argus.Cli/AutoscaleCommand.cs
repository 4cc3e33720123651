using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using Argus.LocalCluster;
using Argus.Scaling;
using Spectre.Console;

namespace Argus.Cli;

/// <summary>
/// <c>argus autoscale status</c>: the autoscaler's decision from a silo's <c>/v1/autoscale</c>; <c>argus autoscale dev</c>:
/// silo processes on this machine that follow it, started and drained as it asks (a stand-in for Kubernetes).
/// </summary>
internal static class AutoscaleCommand
{
    private static readonly Option<string?> ApiKey = new("--api-key")
    {
        Description = "A silos' API key with the admin role (Argus:Auth), sent as X-Api-Key. Default: $ARGUS_API_KEY.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ARGUS_API_KEY"),
    };

    public static Command Create(IAnsiConsole console) =>
        new("autoscale", "The cluster's autoscaler: its decision, or a local cluster that follows it.") { Status(console), Dev(console) };

    private static Command Status(IAnsiConsole console)
    {
        var url = new Option<string>("--url") { Description = "A silo's HTTP address.", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var command = new Command("status", "Shows the desired and current silo count, the load and the reason, from a silo's /v1/autoscale.") { url, ApiKey };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
            {
                console.MarkupLineInterpolated($"[red]argus autoscale status:[/] --url must be an http(s) address (is '{parse.GetValue(url)}').");
                return 2;
            }

            using var http = ArgusCli.CreateHttpClient(parse, console);
            if (http is null)
            {
                return 2;
            }

            http.BaseAddress = baseAddress;
            http.Timeout = TimeSpan.FromSeconds(10);
            if (parse.GetValue(ApiKey) is { } key)
            {
                http.DefaultRequestHeaders.Add("X-Api-Key", key);
            }

            HttpResponseMessage response;
            try
            {
                response = await http.GetAsync("/v1/autoscale", cancellationToken);
            }
            catch (HttpRequestException e)
            {
                console.MarkupLineInterpolated($"[red]Cannot reach {baseAddress}:[/] {e.Message}");
                return 2;
            }

            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    console.MarkupLineInterpolated(
                        $"[red]{baseAddress} answered {(int)response.StatusCode}:[/] {await response.Content.ReadAsStringAsync(cancellationToken)}");
                    return 2;
                }

                Write(console, (await response.Content.ReadFromJsonAsync<AutoscaleStatus>(LocalAutoscaler.Json, cancellationToken))!);
                return 0;
            }
        });
        return command;
    }

    private static Command Dev(IAnsiConsole console)
    {
        var min = new Option<int>("--min") { Description = "The fewest silos.", DefaultValueFactory = _ => 1 };
        var max = new Option<int>("--max") { Description = "The most silos.", DefaultValueFactory = _ => 4 };
        var simDevices = new Option<int>("--sim-devices") { Description = "Simulated devices per silo (0: the real devices).", DefaultValueFactory = _ => 0 };
        var profile = new Option<string?>("--sim-profile") { Description = "The simulated devices' latency profile (default textbook)." };
        var silo = new Option<string>("--silo")
        {
            Description = "Argus.Silo.dll to start (default: the build next to this one, src/Silo/Argus.Silo/bin/…).",
            DefaultValueFactory = _ => DefaultSiloDll(),
        };
        var upDelay = new Option<double?>("--upscale-delay") { Description = "Seconds the load must ask for more silos first (Argus:Autoscale:UpscaleDelaySeconds)." };
        var downDelay = new Option<double?>("--downscale-delay") { Description = "Seconds the load must ask for fewer silos first (Argus:Autoscale:DownscaleDelaySeconds)." };
        var target = new Option<double?>("--target-in-flight") { Description = "In-flight items per device the autoscaler aims at (Argus:Autoscale:TargetInFlightPerDevice)." };
        var command = new Command("dev", "Runs silos on this machine on --redis and starts and drains them as the autoscaler asks, until Ctrl-C.")
        {
            min, max, simDevices, profile, silo, upDelay, downDelay, target, ApiKey,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            Dictionary<string, string> settings = [];
            void Set(string name, double? value)
            {
                if (value is { } v)
                {
                    settings[$"Argus__Autoscale__{name}"] = v.ToString(CultureInfo.InvariantCulture);
                }
            }

            Set("UpscaleDelaySeconds", parse.GetValue(upDelay));
            Set("DownscaleDelaySeconds", parse.GetValue(downDelay));
            Set("TargetInFlightPerDevice", parse.GetValue(target));
            var options = new LocalAutoscalerOptions
            {
                SiloDll = parse.GetValue(silo)!,
                Redis = parse.GetValue(ArgusCli.Redis) ?? "",
                MinSilos = parse.GetValue(min),
                MaxSilos = parse.GetValue(max),
                SimDevices = parse.GetValue(simDevices),
                SimProfile = parse.GetValue(profile),
                ApiKey = parse.GetValue(ApiKey),
                Settings = settings,
            };
            var problems = options.Validate().ToArray();
            foreach (var problem in problems)
            {
                console.MarkupLineInterpolated($"[red]argus autoscale dev:[/] {problem}");
            }

            if (problems.Length > 0)
            {
                return 2;
            }

            await using var autoscaler = new LocalAutoscaler(options);
            autoscaler.Changed += line => console.MarkupLineInterpolated($"[grey]{DateTime.Now:HH:mm:ss}[/] {line}");
            console.MarkupLine("Ctrl-C stops every silo (each drains first).");
            await autoscaler.RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }

    private static void Write(IAnsiConsole console, AutoscaleStatus s)
    {
        var table = new Table().AddColumns("Desired", "Current", "Bounds", "Devices", "Draining silos", "Queue depth", "In flight (avg)", "Target per device");
        table.AddRow(
            s.Desired.ToString(CultureInfo.InvariantCulture), s.Current.ToString(CultureInfo.InvariantCulture), $"{s.MinSilos}–{s.MaxSilos}",
            s.Devices.ToString(CultureInfo.InvariantCulture), s.DrainingSilos.ToString(CultureInfo.InvariantCulture),
            s.QueueDepth.ToString(CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture, $"{s.InFlight} ({s.AverageInFlight:F1})"),
            s.TargetInFlightPerDevice.ToString("G", CultureInfo.InvariantCulture));
        console.Write(table);
        console.MarkupLineInterpolated($"{s.Reason}");
    }

    /// <summary>The silo built beside this command in the repository (src/Client/Argus.Cli/bin/C/net10.0 → src/Silo/Argus.Silo/bin/C/net10.0).</summary>
    private static string DefaultSiloDll()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (output.Name, output.Parent?.Name ?? "");
        var src = output.Parent?.Parent?.Parent?.Parent?.Parent?.FullName ?? "";
        return Path.Combine(src, "Silo", "Argus.Silo", "bin", configuration, framework, "Argus.Silo.dll");
    }
}
