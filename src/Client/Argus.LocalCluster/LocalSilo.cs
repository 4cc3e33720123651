using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Argus.Security;

namespace Argus.LocalCluster;

/// <summary>
/// A real Argus silo process on free loopback ports (<c>dotnet Argus.Silo.dll</c>, its settings as environment
/// variables), stopped by its PID: SIGTERM, so it drains, then a kill after a grace period.
/// </summary>
public sealed class LocalSilo : IAsyncDisposable
{
    private static readonly HashSet<int> HandedOut = [];
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private int? _exitCode;

    private LocalSilo(Process process, string name, int httpPort, int siloPort, int gatewayPort, int? grpcPort, ArgusTlsOptions tls)
    {
        GrpcPort = grpcPort;
        _process = process;
        Pid = process.Id;
        Tls = tls;
        Name = name;
        HttpPort = httpPort;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    /// <summary>The silo's name.</summary>
    public string Name { get; }

    /// <summary>The HTTP API's port.</summary>
    public int HttpPort { get; }

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; }

    /// <summary>The gateway port for Orleans clients.</summary>
    public int GatewayPort { get; }

    /// <summary>
    /// The Open Inference Protocol's gRPC port (<c>Argus:Grpc:Port</c>): a free one unless the settings give
    /// <c>Argus__Grpc__Port</c>; null when they give it empty (no gRPC).
    /// </summary>
    public int? GrpcPort { get; }

    /// <summary>The HTTP API's base address: <c>https</c> when the silo runs with <see cref="Tls"/>.</summary>
    public Uri BaseAddress => new($"{(Tls.Enabled ? "https" : "http")}://127.0.0.1:{HttpPort}/");

    /// <summary>The silo's TLS settings, as its <c>Argus__Tls__*</c> settings gave them (unset: plaintext).</summary>
    public ArgusTlsOptions Tls { get; }

    /// <summary>The process id (also once it is disposed, for logs).</summary>
    public int Pid { get; }

    /// <summary>The exit code, once exited (also once it is disposed, for logs).</summary>
    public int? ExitCode => _exitCode ?? (_process.HasExited ? _process.ExitCode : null);

    /// <summary>What the silo wrote to stdout and stderr so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="dll"/> as silo <paramref name="name"/> and waits until <c>/readyz</c> answers 200 (at most
    /// <paramref name="timeout"/>). The process is stopped again when it does not get ready.
    /// </summary>
    /// <exception cref="InvalidOperationException">The process exited before it was ready.</exception>
    /// <exception cref="TimeoutException">It was not ready in time.</exception>
    public static async Task<LocalSilo> StartAsync(
        string dll, string name, IReadOnlyDictionary<string, string>? settings, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"The silo {dll} is missing: build src/Silo/Argus.Silo first.", dll);
        }

        var (http, silo, gateway) = (FreePort(), FreePort(), FreePort());
        var tls = TlsSettings(settings);
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(dll))!,
        };
        info.Environment["Urls"] = $"{(tls.Enabled ? "https" : "http")}://127.0.0.1:{http}";
        info.Environment["Argus__Silo__Name"] = name;
        info.Environment["Argus__Silo__SiloPort"] = silo.ToString();
        info.Environment["Argus__Silo__GatewayPort"] = gateway.ToString();
        info.Environment["Argus__Grpc__Port"] = FreePort().ToString();
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        int? grpc = int.TryParse(info.Environment["Argus__Grpc__Port"], out var port) ? port : null;

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var result = new LocalSilo(process, name, http, silo, gateway, grpc, tls);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await result.WaitUntilReadyAsync(timeout, cancellationToken);
            return result;
        }
        catch
        {
            await result.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends SIGTERM: the silo drains (finishes what its devices hold, takes nothing new) and leaves the cluster.</summary>
    public void Terminate() => Signal(_process.Id, 15);

    /// <summary>Kills the process at once (SIGKILL), as a crash or a lost machine would.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Waits for the process to exit.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken = default) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Stops the process: SIGTERM, then a kill (with its children) once <paramref name="grace"/> has passed.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        Terminate();
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Stops the process as <see cref="StopAsync"/> does with 10 s of grace, and frees it.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _exitCode = _process.ExitCode;
        _process.Dispose();
    }

    /// <summary>
    /// A port the OS reports free on loopback, never one this process handed out before: the OS may offer a port again
    /// once its probe closes, and two silos given the same port can both bind it (port reuse) and swap each other's messages.
    /// </summary>
    public static int FreePort()
    {
        lock (HandedOut)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary>
    /// An HTTP client for the silo's API: with <see cref="Tls"/>, it presents the silo's own certificate and trusts what
    /// chains to the silo's authority.
    /// </summary>
    public HttpClient CreateHttpClient() =>
        Tls.Enabled ? new HttpClient(TlsCertificates.CreateHttpHandler(Tls)) { BaseAddress = BaseAddress } : new HttpClient { BaseAddress = BaseAddress };

    /// <summary>The TLS settings among a silo's settings (environment variables <c>Argus__Tls__*</c>).</summary>
    internal static ArgusTlsOptions TlsSettings(IReadOnlyDictionary<string, string>? settings)
    {
        const string prefix = "Argus__Tls__";
        return new ArgusTlsOptions
        {
            Certificate = settings?.GetValueOrDefault(prefix + nameof(ArgusTlsOptions.Certificate)),
            Key = settings?.GetValueOrDefault(prefix + nameof(ArgusTlsOptions.Key)),
            CertificateAuthority = settings?.GetValueOrDefault(prefix + nameof(ArgusTlsOptions.CertificateAuthority)),
        };
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var client = CreateHttpClient();
        client.Timeout = TimeSpan.FromSeconds(5);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Silo {Name} exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                if ((await client.GetAsync("readyz", cancellationToken)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // not listening yet, or busy starting
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F0} s waiting for silo {Name} to be ready.");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    /// <summary>Sends <paramref name="signal"/> (15: SIGTERM) to process <paramref name="pid"/>.</summary>
    public static void Signal(int pid, int signal) => _ = kill(pid, signal);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
