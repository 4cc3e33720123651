using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace Argus.Silo.Hosting;

/// <summary>
/// The memory Kestrel's connections read and write through: blocks of 64 KiB where Kestrel's own pool has 4 KiB. A
/// socket read fills at most one block, so a 108 KiB tensor body took 58 receive calls and now takes about 6; on
/// virtual machines each system call is dear (v2 binary at batch 8: 301 → 164 silo core-µs per item,
/// docs/BENCHMARKS.md). Kestrel waits for data before it rents a block, so an idle connection holds none; one whose
/// request is still arriving holds a block, 64 KiB where it held 4 KiB, for as long as Kestrel's timeouts let a slow
/// client keep it (30 s for the headers, then at least 240 bytes a second). Kestrel asks for a pool per I/O queue (one
/// per core, up to 16) of every listener (HTTP, gRPC, Orleans' two ports): they all get the same one, so the blocks kept
/// for reuse are capped once per silo, not 64 times on a 16-core node.
/// </summary>
internal sealed class SocketBlockPoolFactory : IMemoryPoolFactory<byte>
{
    private readonly SocketBlockPool _pool = new();

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => _pool;
}

/// <summary>Pinned blocks of <see cref="BlockSize"/>, at most <see cref="MaxFree"/> of them kept for reuse.</summary>
internal sealed class SocketBlockPool : MemoryPool<byte>
{
    public const int BlockSize = 64 * 1024;

    /// <summary>Blocks kept once returned (16 MiB): past a burst, the rest go to the garbage collector.</summary>
    public const int MaxFree = 256;

    private readonly ConcurrentQueue<Block> _free = new();

    public override int MaxBufferSize => BlockSize;

    /// <summary>How many returned blocks wait for reuse.</summary>
    public int FreeCount => _free.Count;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        return _free.TryDequeue(out var block) ? block : new Block(this);
    }

    /// <summary>
    /// Called by each listener that stops. It only lets go of the blocks kept for reuse: the pool is shared, and the
    /// other listeners go on renting from it.
    /// </summary>
    protected override void Dispose(bool disposing) => _free.Clear();

    private void Return(Block block)
    {
        // Racing returns may keep a few over the cap: it bounds the memory kept, it need not be exact.
        if (_free.Count < MaxFree)
        {
            _free.Enqueue(block);
        }
    }

    private sealed class Block(SocketBlockPool pool) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);

        public void Dispose() => pool.Return(this);
    }
}
