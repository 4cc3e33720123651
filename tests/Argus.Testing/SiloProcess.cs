using System.Text.Json.Nodes;
using Argus.LocalCluster;

namespace Argus.Testing;

/// <summary>
/// A real Argus silo process on free loopback ports, started from the build output of src/Silo/Argus.Silo and stopped
/// by its PID (gracefully, then killed) when disposed. The process itself is a <see cref="LocalSilo"/>.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly LocalSilo _silo;

    private SiloProcess(LocalSilo silo) => _silo = silo;

    /// <summary>The silo's name.</summary>
    public string Name => _silo.Name;

    /// <summary>The HTTP API's port.</summary>
    public int HttpPort => _silo.HttpPort;

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort => _silo.SiloPort;

    /// <summary>The gateway port for Orleans clients.</summary>
    public int GatewayPort => _silo.GatewayPort;

    /// <summary>The Open Inference Protocol's gRPC port (<see cref="LocalSilo.GrpcPort"/>).</summary>
    public int? GrpcPort => _silo.GrpcPort;

    /// <summary>The HTTP API's base address.</summary>
    public Uri BaseAddress => _silo.BaseAddress;

    /// <summary>The process id.</summary>
    public int Pid => _silo.Pid;

    /// <summary>An HTTP client for the API, trusting the silo's authority when it runs with TLS (<see cref="LocalSilo.CreateHttpClient"/>).</summary>
    public HttpClient CreateHttpClient() => _silo.CreateHttpClient();

    /// <summary>What the silo wrote to stdout and stderr so far.</summary>
    public string Log => _silo.Log;

    /// <summary>
    /// Starts a silo and waits until <c>/readyz</c> answers 200. <paramref name="dll"/> defaults to the build output of
    /// src/Silo/Argus.Silo in this build's configuration.
    /// </summary>
    public static async Task<SiloProcess> StartAsync(
        string name = "silo-0", IReadOnlyDictionary<string, string>? settings = null, TimeSpan? timeout = null, string? dll = null) =>
        new(await LocalSilo.StartAsync(dll ?? SiloDll(), name, settings, timeout ?? TimeSpan.FromSeconds(60)));

    /// <summary>The devices the silo serves, as it reports them (<c>GET /v1/devices</c>, with <paramref name="apiKey"/> if given).</summary>
    public async Task<IReadOnlyList<SiloDevice>> GetDevicesAsync(string? apiKey = null)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return [.. JsonNode.Parse(await http.GetStringAsync("v1/devices"))!.AsArray().Select(d => new SiloDevice(
            d!["key"]!.GetValue<string>(), d["kind"]!.GetValue<string>(), d["execution_provider"]!.GetValue<string>()))];
    }

    /// <summary>Stops the process by its PID: SIGTERM first, then a kill after a grace period.</summary>
    public ValueTask DisposeAsync() => _silo.DisposeAsync();

    /// <summary>The exit code, once exited.</summary>
    public int? ExitCode => _silo.ExitCode;

    /// <summary>Waits for the process to exit.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken = default) => _silo.WaitForExitAsync(cancellationToken);

    /// <summary>Kills the process at once (SIGKILL), as a crash or a lost machine would.</summary>
    public void Kill() => _silo.Kill();

    /// <summary>Sends SIGTERM (a graceful stop).</summary>
    public void Terminate() => _silo.Terminate();

    /// <summary>The build output of src/Silo/Argus.Silo in this build's configuration.</summary>
    public static string SiloDll()
    {
        var dll = Path.Combine(TestData.RepoRoot, "src", "Silo", "Argus.Silo", "bin", TestData.Configuration, "net10.0", "Argus.Silo.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the silo first: {dll} is missing.", dll);
    }

    /// <summary>
    /// A port the OS reports free on loopback, never one this process handed out before (<see cref="LocalSilo.FreePort"/>).
    /// </summary>
    public static int FreePort() => LocalSilo.FreePort();

    /// <summary>Sends <paramref name="signal"/> to process <paramref name="pid"/> (<see cref="LocalSilo.Signal"/>).</summary>
    internal static void Signal(int pid, int signal) => LocalSilo.Signal(pid, signal);
}
