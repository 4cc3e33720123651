using System.Diagnostics;
using System.Net.Sockets;

namespace Argus.Testing;

/// <summary>Waits for a server process the tests started to accept connections on its loopback port.</summary>
public static class Listening
{
    /// <summary>
    /// Waits until <paramref name="process"/> accepts a TCP connection on 127.0.0.1:<paramref name="port"/>; fails at
    /// once, with <paramref name="log"/>'s text, when it exits first.
    /// </summary>
    public static Task WaitAsync(Process process, int port, string name, TimeSpan timeout, Func<string>? log = null) =>
        Eventually.HoldsAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {process.ExitCode}{(log is null ? "." : $": {log()}")}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, timeout, $"{name} to listen");
}
