using System.CommandLine;
using Argus.Client;
using Argus.Errors;
using Argus.LocalCluster;
using Argus.Security;
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

    private static readonly Option<string?> TlsCertificate = new("--tls-cert")
    {
        Description = "For silos with Argus:Tls: this client's certificate (PEM), for the gateway and HTTPS; default $ARGUS_TLS_CERT.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ARGUS_TLS_CERT"),
        Recursive = true,
    };

    private static readonly Option<string?> TlsKey = new("--tls-key")
    {
        Description = "The private key of --tls-cert (PEM); default $ARGUS_TLS_KEY.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ARGUS_TLS_KEY"),
        Recursive = true,
    };

    private static readonly Option<string?> TlsAuthority = new("--tls-ca")
    {
        Description = "The cluster's certificate authority (PEM): the silos' certificates must chain to it; default $ARGUS_TLS_CA.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ARGUS_TLS_CA"),
        Recursive = true,
    };

    /// <summary>For the commands that call a silo's HTTP API rather than the gateway (<c>pipeline</c>, <c>job report</c>).</summary>
    internal static readonly Option<string> Api = new("--api")
    {
        Description = "A silo's HTTP API; default $ARGUS_API, else http://127.0.0.1:8080.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ARGUS_API") ?? new ArgusClientOptions().Api.ToString(),
        Recursive = true,
    };

    /// <summary>The key <see cref="Api"/> is called with.</summary>
    internal static readonly Option<string?> ApiKey = new("--api-key")
    {
        Description = "An API key for silos that hold keys (Argus:Auth), sent as X-Api-Key; pipelines and jobs belong to its tenant. Default: $ARGUS_API_KEY.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ARGUS_API_KEY"),
        Recursive = true,
    };

    /// <summary>Parses and runs the command line; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args, IAnsiConsole console)
    {
        var root = new RootCommand("Argus: computer-vision inference on an Orleans cluster.")
        {
            Redis,
            Gateway,
            TlsCertificate,
            TlsKey,
            TlsAuthority,
            InferCommand.Create(console),
            StatusCommand.Create(console),
            CameraCommand.Create(console),
            JobCommand.Create(console),
            ModelCommand.Create(console),
            BenchCommand.Create(console),
            PlanCommand.Create(console),
            AutoscaleCommand.Create(console),
            PipelineCommand.Create(console),
        };
        // Ctrl-C cancels the command's token; `autoscale dev` then drains its silos, which takes longer than the 2 s
        // System.CommandLine allows by default before it ends the process.
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = LocalAutoscalerOptions.DefaultStopGrace + TimeSpan.FromSeconds(10) });
    }

    /// <summary>How long a command tries to reach a gateway before it says it cannot: a command is waited on.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Connects an SDK client for the command, with <paramref name="configure"/>'s settings on top of the cluster's, runs
    /// <paramref name="run"/>, and disconnects.
    /// </summary>
    internal static async Task<int> WithClientAsync(
        ParseResult parse, IAnsiConsole console, Func<IArgusClient, Task<int>> run, CancellationToken cancellationToken,
        Action<ArgusClientOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        try
        {
            builder.AddArgusClient(o =>
            {
                o.Redis = parse.GetValue(Redis);
                o.GatewayPorts = [parse.GetValue(Gateway)];
                o.Tls = Tls(parse);
                o.ConnectTimeout = ConnectTimeout;
                configure?.Invoke(o);
            });
        }
        catch (ArgumentException e)
        {
            console.MarkupLineInterpolated($"[red]argus:[/] {e.Message}");
            return 2;
        }

        using var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var hint = Tls(parse).Enabled ? "" : " A silo with TLS refuses a client without --tls-cert, --tls-key and --tls-ca.";
            console.MarkupLineInterpolated($"[red]Cannot reach the cluster[/] within {ConnectTimeout.TotalSeconds:0} s: {e.Message}{hint}");
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

    /// <summary><see cref="WithClientAsync"/> with the SDK's HTTP calls going to <see cref="Api"/> with <see cref="ApiKey"/>.</summary>
    internal static Task<int> WithApiClientAsync(ParseResult parse, IAnsiConsole console, Func<IArgusClient, Task<int>> run, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(parse.GetValue(Api), UriKind.Absolute, out var api) || api.Scheme is not ("http" or "https"))
        {
            console.MarkupLineInterpolated($"[red]argus:[/] --api must be an http(s) address (is '{parse.GetValue(Api)}').");
            return Task.FromResult(2);
        }

        return WithClientAsync(parse, console, run, cancellationToken, o =>
        {
            o.Api = api;
            o.ApiKey = parse.GetValue(ApiKey);
        });
    }

    /// <summary>The TLS files of <c>--tls-cert</c>, <c>--tls-key</c> and <c>--tls-ca</c> (unset: plaintext).</summary>
    internal static ArgusTlsOptions Tls(ParseResult parse) => new()
    {
        Certificate = parse.GetValue(TlsCertificate),
        Key = parse.GetValue(TlsKey),
        CertificateAuthority = parse.GetValue(TlsAuthority),
    };

    /// <summary>
    /// An HTTP client for a silo's API: with <c>--tls-*</c>, it presents the certificate and trusts the cluster's
    /// authority. Null, with every problem written, when the TLS files are wrong.
    /// </summary>
    internal static HttpClient? CreateHttpClient(ParseResult parse, IAnsiConsole console)
    {
        var tls = Tls(parse);
        if (!tls.Enabled)
        {
            return new HttpClient();
        }

        var problems = TlsProblems(parse);
        foreach (var problem in problems)
        {
            console.MarkupLineInterpolated($"[red]argus:[/] {problem}");
        }

        return problems.Count == 0 ? new HttpClient(TlsCertificates.CreateHttpHandler(tls)) : null;
    }

    /// <summary>What is wrong with the files of <c>--tls-*</c> (a missing one, a key of another certificate, …); empty when they are good or unset.</summary>
    internal static IReadOnlyList<string> TlsProblems(ParseResult parse) =>
        new ArgusTlsOptionsValidator(nameof(ArgusClientOptions.Tls)).Validate(null, Tls(parse)) is { Failed: true } validation ? [.. validation.Failures!] : [];
}
