using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;
using Orleans.Networking.Shared;

namespace Argus.Silo.Hosting;

/// <summary>
/// Orleans' silo and gateway ports, accepted through Kestrel's socket transport instead of Orleans' copy of it, so that
/// they read through the silo's <see cref="SocketBlockPool"/>. Orleans' own transport reads at most 4 KiB per receive
/// call from a pool internal to it: an SDK call with a 108 KiB tensor took about 30 receive calls on the gateway, and
/// ≈ 200 silo core-µs per item (docs/BENCHMARKS.md). Accepted sockets keep Orleans' TCP keep-alive
/// (<see cref="SocketConnectionOptions"/>), which Kestrel's transport does not set. The connections a silo opens to
/// others stay Orleans' own: Kestrel's public client side (<c>SocketConnectionContextFactory</c>) takes no pool of ours.
/// </summary>
internal sealed class OrleansSocketListenerFactory(IOptions<SocketTransportOptions> kestrel, ILoggerFactory logging, IOptions<SocketConnectionOptions> orleans)
    : IConnectionListenerFactory
{
    private readonly SocketTransportFactory _transport = new(kestrel, logging);

    /// <summary>
    /// Takes over the listeners Orleans registered. It registers them under keys of its own, internal to it; they are
    /// the only keyed listener factories in the silo.
    /// </summary>
    public static void Replace(IServiceCollection services)
    {
        foreach (var listener in services.Where(s => s.IsKeyedService && s.ServiceType == typeof(IConnectionListenerFactory)).ToList())
        {
            services.Remove(listener);
            services.AddKeyedSingleton<IConnectionListenerFactory, OrleansSocketListenerFactory>(listener.ServiceKey);
        }
    }

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        new Listener(await _transport.BindAsync(endpoint, cancellationToken), orleans.Value);

    private sealed class Listener(IConnectionListener kestrel, SocketConnectionOptions options) : IConnectionListener
    {
        public EndPoint EndPoint => kestrel.EndPoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            var connection = await kestrel.AcceptAsync(cancellationToken);
            if (options.KeepAlive && connection?.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, options.KeepAliveTimeSeconds);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, options.KeepAliveIntervalSeconds);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, options.KeepAliveRetryCount);
            }

            return connection;
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default) => kestrel.UnbindAsync(cancellationToken);

        public ValueTask DisposeAsync() => kestrel.DisposeAsync();
    }
}
