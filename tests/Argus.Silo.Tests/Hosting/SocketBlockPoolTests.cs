using System.Reflection;
using Argus.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Argus.Silo.Tests.Hosting;

/// <summary>The blocks Kestrel's sockets read into; bodies across many blocks are the v2 binary and gRPC tests' work.</summary>
public sealed class SocketBlockPoolTests
{
    [Fact]
    public void Kestrel_sockets_take_their_memory_from_the_silos_pool()
    {
        using var app = SiloHostBuilder.Create().Build();

        Assert.IsType<SocketBlockPoolFactory>(app.Services.GetRequiredService<IMemoryPoolFactory<byte>>());
        // What the socket transport creates its pools with: an internal property, set from the factory above.
        var transport = app.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
        var property = typeof(SocketTransportOptions).GetProperty("MemoryPoolFactory", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        Assert.IsType<SocketBlockPoolFactory>(property?.GetValue(transport));
    }

    [Fact]
    public void Every_listener_and_IO_queue_shares_one_pool_and_its_cap()
    {
        using var app = SiloHostBuilder.Create().Build();
        var factory = app.Services.GetRequiredService<IMemoryPoolFactory<byte>>();

        var pools = Enumerable.Range(0, 4).Select(_ => factory.Create()).ToList();
        Assert.All(pools, pool => Assert.Same(pools[0], pool));
        pools[1].Dispose(); // a listener that stops
        using var block = pools[0].Rent();
        Assert.Equal(SocketBlockPool.BlockSize, block.Memory.Length);
    }

    [Fact]
    public void A_block_holds_a_whole_socket_read_and_is_reused_once_returned()
    {
        using var pool = new SocketBlockPool();
        var first = pool.Rent(2048);
        Assert.Equal(SocketBlockPool.BlockSize, first.Memory.Length);
        first.Memory.Span[^1] = 42;
        first.Dispose();

        using var second = pool.Rent();
        Assert.Equal(42, second.Memory.Span[^1]); // the same block, not a new one
        Assert.Equal(SocketBlockPool.BlockSize, pool.MaxBufferSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(SocketBlockPool.BlockSize + 1));
    }

    [Fact]
    public void Past_a_burst_the_pool_keeps_at_most_its_cap()
    {
        using var pool = new SocketBlockPool();
        var burst = Enumerable.Range(0, SocketBlockPool.MaxFree + 100).Select(_ => pool.Rent()).ToList();
        burst.ForEach(b => b.Dispose());

        Assert.Equal(SocketBlockPool.MaxFree, pool.FreeCount);
    }
}
