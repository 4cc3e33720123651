namespace Argus.Inference.Tests.Video;

/// <summary>A stream that hands out at most <paramref name="chunk"/> bytes a read, as a pipe may.</summary>
internal sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
}
