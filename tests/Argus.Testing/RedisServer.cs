using System.Diagnostics;

namespace Argus.Testing;

/// <summary>A real <c>redis-server</c> (Debian's package) on a free loopback port, stopped by its PID when disposed.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private bool _ownsDirectory = true;

    private RedisServer(Process process, int port, string directory, bool appendOnly)
    {
        _process = process;
        Port = port;
        Directory = directory;
        AppendOnly = appendOnly;
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>The process id, for signals (a pause with SIGSTOP).</summary>
    public int Pid => _process.Id;

    /// <summary>Its working folder (where the append-only file goes).</summary>
    public string Directory { get; }

    /// <summary>Whether it logs every write to an append-only file, so a restart finds its data.</summary>
    public bool AppendOnly { get; }

    /// <summary>The StackExchange.Redis configuration string for it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>
    /// Starts a server and waits until it accepts connections: with no persistence, or with <paramref name="appendOnly"/>
    /// an append-only file written at every write (<c>appendfsync always</c>).
    /// </summary>
    public static Task<RedisServer> StartAsync(bool appendOnly = false) =>
        StartAsync(SiloProcess.FreePort(), System.IO.Directory.CreateTempSubdirectory("argus-redis-").FullName, appendOnly);

    /// <summary>
    /// Stops this server with SIGTERM (it finishes writing its append-only file) and starts a new one on the same port
    /// and folder, which then owns the folder.
    /// </summary>
    public async Task<RedisServer> RestartAsync()
    {
        if (!_process.HasExited)
        {
            SiloProcess.Signal(_process.Id, 15);
            await _process.WaitForExitAsync();
        }

        _ownsDirectory = false;
        return await StartAsync(Port, Directory, AppendOnly);
    }

    private static async Task<RedisServer> StartAsync(int port, string directory, bool appendOnly)
    {
        string[] persistence = appendOnly ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
        var info = new ProcessStartInfo("redis-server",
            ["--bind", "127.0.0.1", "--port", port.ToString(), "--save", "", .. persistence, "--daemonize", "no", "--dir", directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("redis-server is missing: run scripts/test.sh, which installs Debian's redis-server.", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port, directory, appendOnly);
        try
        {
            await Listening.WaitAsync(process, port, "redis-server", TimeSpan.FromSeconds(20));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the server by its PID and removes its folder, unless a restarted server owns it now.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (_ownsDirectory)
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
