using System.CommandLine;
using Argus.Client;
using Argus.Errors;
using Argus.LocalCluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace Argus.Cli;

/// <summary>The <c>argus</c> command: talks to a cluster through the SDK.</summary>
internal static class ArgusCli
{
    internal static readonly Option<string?> Redis = new("--redis")
    {
        Description = "The cluster's Redis (e.g. 127.0.0.1:6379); default $ARGUS_REDIS. Without it, the local silo on --gateway.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ARGUS_REDIS"),
        Recursive = true,
    };

    private static readonly Option<int> Gateway = new("--gateway")
    {
        Description = "Gateway port of a silo on this machine, when there is no Redis.",
        DefaultValueFactory = _ => 30000,
        Recursive = true,
    };

    /// <summary>Parses and runs the command line; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args, IAnsiConsole console)
    {
        var root = new RootCommand("Argus: computer-vision inference on an Orleans cluster.")
        {
            Redis,
            Gateway,
            InferCommand.Create(console),
            StatusCommand.Create(console),
            CameraCommand.Create(console),
            JobCommand.Create(console),
            ModelCommand.Create(console),
            BenchCommand.Create(console),
            PlanCommand.Create(console),
            AutoscaleCommand.Create(console),
        };
        // Ctrl-C cancels the command's token; `autoscale dev` then drains its silos, which takes longer than the 2 s
        // System.CommandLine allows by default before it ends the process.
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = LocalAutoscalerOptions.DefaultStopGrace + TimeSpan.FromSeconds(10) });
    }

    /// <summary>Connects an SDK client for the command, runs <paramref name="run"/>, and disconnects.</summary>
    internal static async Task<int> WithClientAsync(
        ParseResult parse, IAnsiConsole console, Func<IArgusClient, Task<int>> run, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddArgusClient(o =>
        {
            o.Redis = parse.GetValue(Redis);
            o.GatewayPorts = [parse.GetValue(Gateway)];
        });
        using var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            console.MarkupLineInterpolated($"[red]Cannot reach the cluster:[/] {e.Message}");
            return 2;
        }

        try
        {
            return await run(host.Services.GetRequiredService<IArgusClient>());
        }
        catch (ArgusException e)
        {
            console.MarkupLineInterpolated($"[red]{e.GetType().Name}:[/] {e.Message}");
            return 2;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
