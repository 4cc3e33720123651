using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Argus.Testing;

namespace Argus.Bench.Soak;

/// <summary>
/// A loopback TCP proxy in front of one silo's silo-to-silo port: the silo advertises <see cref="Port"/>
/// (<c>Argus:Silo:SiloPort</c>) and listens on <see cref="Target"/> (<c>Argus:Silo:SiloListenPort</c>), so every
/// connection another silo opens to it passes here. A partition needs no firewall: while <see cref="Isolate"/> says so, the
/// proxy closes the connections it carries and refuses new ones. It tells who opened a connection by the process that owns
/// the connecting socket (/proc/net/tcp and /proc/PID/fd), so the other silos' proxies can cut the partitioned silo's
/// outgoing connections too: Orleans may send both ways on a connection either side opened.
/// </summary>
internal sealed class SiloProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly List<Link> _links = [];
    private readonly Task _accepting;

    public SiloProxy()
    {
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port the silo advertises.</summary>
    public int Port { get; } = SiloProcess.FreePort();

    /// <summary>The port the silo listens on.</summary>
    public int Target { get; } = SiloProcess.FreePort();

    /// <summary>What is cut now; null while nothing is.</summary>
    private volatile CutRule? _cut;

    /// <summary>
    /// Cuts every connection through the proxy (<paramref name="all"/>: this is the partitioned silo's proxy) or those
    /// that process <paramref name="pid"/> opened (the partitioned silo's connections out), now and until <see cref="Heal"/>;
    /// returns how many it closed.
    /// </summary>
    public int Isolate(int pid, bool all)
    {
        _cut = new CutRule(pid, all);
        Link[] links;
        lock (_links)
        {
            links = [.. _links];
        }

        var cut = links.Where(l => Cuts(l.PeerPort)).ToList();
        cut.ForEach(l => l.Close());
        return cut.Count;
    }

    /// <summary>Lets connections through again.</summary>
    public void Heal() => _cut = null;

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _accepting;
        lock (_links)
        {
            _links.ForEach(l => l.Close());
        }
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket inbound;
            try
            {
                inbound = await _listener.AcceptSocketAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return; // stopped
            }

            var peerPort = ((IPEndPoint)inbound.RemoteEndPoint!).Port;
            if (Cuts(peerPort))
            {
                inbound.Close();
                continue;
            }

            _ = ForwardAsync(inbound, peerPort);
        }
    }

    private async Task ForwardAsync(Socket inbound, int peerPort)
    {
        var outbound = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        inbound.NoDelay = true;
        var link = new Link(inbound, outbound, peerPort);
        try
        {
            await outbound.ConnectAsync(IPAddress.Loopback, Target);
            lock (_links)
            {
                _links.Add(link);
            }

            await Task.WhenAny(PumpAsync(inbound, outbound), PumpAsync(outbound, inbound));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // the silo behind is down, or the link was cut
        }
        finally
        {
            lock (_links)
            {
                _links.Remove(link);
            }

            link.Close();
        }
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // cut
        }
    }

    private bool Cuts(int peerPort) => _cut is { } cut && (cut.All || OwnedBy(cut.Pid, peerPort));

    /// <summary>Whether process <paramref name="pid"/> owns the loopback socket bound to <paramref name="port"/> (/proc/net/tcp's inode among its fds).</summary>
    private static bool OwnedBy(int pid, int port)
    {
        string? inode = null;
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields[1] == string.Create(CultureInfo.InvariantCulture, $"0100007F:{port:X4}"))
            {
                inode = $"socket:[{fields[9]}]";
                break;
            }
        }

        try
        {
            return inode is not null && Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Any(fd => new FileInfo(fd).LinkTarget == inode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // the process is gone
        }
    }

    /// <summary>Every connection (<paramref name="All"/>), or those process <paramref name="Pid"/> opened.</summary>
    private sealed record CutRule(int Pid, bool All);

    /// <summary>One connection through the proxy: the side another silo opened, and the side to the silo behind.</summary>
    private sealed record Link(Socket Inbound, Socket Outbound, int PeerPort)
    {
        public void Close()
        {
            Inbound.Dispose();
            Outbound.Dispose();
        }
    }
}
