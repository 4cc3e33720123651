using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Argus.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.Silo.Tests.Hosting;

/// <summary>Orleans' silo and gateway ports accept through Kestrel's sockets; the cluster and SDK tests are their traffic.</summary>
public sealed class OrleansSocketListenerTests
{
    [Fact]
    public void Both_of_Orleans_listeners_are_taken_over()
    {
        var builder = SiloHostBuilder.Create();
        var keys = builder.Services.Where(s => s.IsKeyedService && s.ServiceType == typeof(IConnectionListenerFactory)).Select(s => s.ServiceKey).ToList();
        using var app = builder.Build();

        Assert.Equal(2, keys.Count); // the silo's port and the gateway's
        Assert.All(keys, key => Assert.IsType<OrleansSocketListenerFactory>(app.Services.GetRequiredKeyedService<IConnectionListenerFactory>(key)));
    }

    [Fact]
    public async Task An_accepted_connection_reads_through_the_silos_blocks_keeps_Orleans_keep_alive_and_holds_a_message_of_several_MiB_unread()
    {
        var builder = SiloHostBuilder.Create();
        var key = builder.Services.First(s => s.IsKeyedService && s.ServiceType == typeof(IConnectionListenerFactory)).ServiceKey;
        using var app = builder.Build();
        var factory = app.Services.GetRequiredKeyedService<IConnectionListenerFactory>(key);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await using var listener = await factory.BindAsync(new IPEndPoint(IPAddress.Loopback, 0), timeout.Token);
        using var client = new TcpClient();
        await client.ConnectAsync((IPEndPoint)listener.EndPoint, timeout.Token);
        await using var connection = await listener.AcceptAsync(timeout.Token);
        Assert.NotNull(connection);

        Assert.Equal(SocketBlockPool.BlockSize, connection.Features.Get<IMemoryPoolFeature>()?.MemoryPool.MaxBufferSize);
        var socket = connection.Features.Get<IConnectionSocketFeature>()?.Socket;
        Assert.NotNull(socket);
        Assert.Equal(1, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.Equal(90, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!); // Orleans' default

        // Orleans consumes none of a message until all of it has arrived. Kestrel's cap on unread bytes (1 MiB) counts
        // what the reader has not looked at yet, so a larger message still arrives whole.
        var sent = new byte[3 * 1024 * 1024];
        Random.Shared.NextBytes(sent);
        var sending = client.GetStream().WriteAsync(sent, timeout.Token).AsTask();
        ReadOnlySequence<byte> received;
        while (true)
        {
            var read = await connection.Transport.Input.ReadAsync(timeout.Token);
            if (read.Buffer.Length >= sent.Length)
            {
                received = read.Buffer;
                break;
            }

            connection.Transport.Input.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        await sending;
        Assert.Equal(sent, received.ToArray());
    }
}
