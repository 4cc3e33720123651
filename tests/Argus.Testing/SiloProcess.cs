using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Argus.Testing;

/// <summary>
/// A real Argus silo process on free loopback ports, started from the build output of src/Silo/Argus.Silo and stopped
/// by its PID (gracefully, then killed) when disposed.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private SiloProcess(Process process, string name, int httpPort, int siloPort, int gatewayPort)
    {
        _process = process;
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

    /// <summary>The HTTP API's base address.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}/");

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

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
    /// Starts a silo and waits until <c>/readyz</c> answers 200. <paramref name="dll"/> defaults to the build output of
    /// src/Silo/Argus.Silo in this build's configuration.
    /// </summary>
    public static async Task<SiloProcess> StartAsync(
        string name = "silo-0", IReadOnlyDictionary<string, string>? settings = null, TimeSpan? timeout = null, string? dll = null)
    {
        dll ??= SiloDll();
        var (http, silo, gateway) = (FreePort(), FreePort(), FreePort());
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.Environment["Urls"] = $"http://127.0.0.1:{http}";
        info.Environment["Argus__Silo__Name"] = name;
        info.Environment["Argus__Silo__SiloPort"] = silo.ToString();
        info.Environment["Argus__Silo__GatewayPort"] = gateway.ToString();
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var result = new SiloProcess(process, name, http, silo, gateway);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = result.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.HoldsAsync(async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Silo {name} exited with {process.ExitCode}:\n{result.Log}");
                }

                try
                {
                    return (await client.GetAsync("readyz")).IsSuccessStatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false; // not listening yet, or busy starting
                }
            }, timeout ?? TimeSpan.FromSeconds(60), $"silo {name} to be ready");
            return result;
        }
        catch
        {
            await result.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the process by its PID: SIGTERM first, then a kill after a grace period.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signal(_process.Id, 15);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }

    /// <summary>The exit code, once exited.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Waits for the process to exit.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken = default) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Kills the process at once (SIGKILL), as a crash or a lost machine would.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Sends SIGTERM (a graceful stop).</summary>
    public void Terminate() => Signal(_process.Id, 15);

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

    private static string SiloDll()
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dll = Path.Combine(TestData.RepoRoot, "src", "Silo", "Argus.Silo", "bin", configuration, "net10.0", "Argus.Silo.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the silo first: {dll} is missing.", dll);
    }

    private static readonly HashSet<int> HandedOut = [];

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

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/> to process <paramref name="pid"/>.</summary>
    internal static void Signal(int pid, int signal) => _ = kill(pid, signal);
}
