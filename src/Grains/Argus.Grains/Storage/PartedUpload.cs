namespace Argus.Grains.Storage;

/// <summary>
/// One object's upload as a store stages it: S3's multipart upload, Azure's uncommitted blocks. Nothing staged is visible
/// until <see cref="CommitAsync"/> makes the object of every staged part visible at once.
/// </summary>
internal interface IPartedUpload
{
    /// <summary>Writes a small object whole, in one request.</summary>
    Task PutAsync(Stream content, CancellationToken cancellationToken);

    /// <summary>Stages part <paramref name="number"/> (1, 2, … in order).</summary>
    Task StageAsync(int number, Stream content, CancellationToken cancellationToken);

    /// <summary>Makes the object of the staged parts visible, whole.</summary>
    Task CommitAsync(CancellationToken cancellationToken);

    /// <summary>Lets the staged parts go, as far as the store can; what stays behind is never visible.</summary>
    Task AbortAsync();
}

/// <summary>
/// The one rule of an object store's write: what a writer writes goes up in one request when it is at most
/// <see cref="ObjectStoreOptions.UploadPartSize"/> bytes, else in parts of that size, committed only once the writer is done
/// and every part is up, and aborted on any failure; so a reader sees the object whole or not at all, and a writer holds
/// about one part in memory when it writes asynchronously.
/// </summary>
internal static class PartedUpload
{
    /// <summary>Writes what <paramref name="write"/> writes through <paramref name="upload"/>, whole or not at all.</summary>
    public static async Task WriteAsync(IPartedUpload upload, int partSize, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        await using var parts = new PartStream(upload, partSize);
        try
        {
            await write(parts, cancellationToken);
            await parts.FinishAsync(cancellationToken);
        }
        catch
        {
            if (parts.Staged > 0)
            {
                await upload.AbortAsync();
            }

            throw;
        }
    }

    /// <summary>
    /// A write-only stream that stages each full part as soon as more than a part is written. Only asynchronous writes
    /// stage (a synchronous write must not block on the network), so a synchronous writer's parts go up at the end.
    /// </summary>
    private sealed class PartStream(IPartedUpload upload, int partSize) : Stream
    {
        private readonly MemoryStream _pending = new();

        /// <summary>How many parts are staged.</summary>
        public int Staged { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => _pending.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => _pending.Write(buffer);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _pending.Write(buffer.Span);
            await StageFullPartsAsync(cancellationToken);
        }

        /// <summary>Stages the full parts, then the rest and commits; or puts the object in one request when it is one part.</summary>
        public async Task FinishAsync(CancellationToken cancellationToken)
        {
            await StageFullPartsAsync(cancellationToken);
            if (Staged == 0)
            {
                _pending.Position = 0;
                await upload.PutAsync(_pending, cancellationToken);
                return;
            }

            // Never empty: a part is staged only when more than a part is written.
            await upload.StageAsync(++Staged, new MemoryStream(_pending.GetBuffer(), 0, (int)_pending.Length, writable: false), cancellationToken);
            await upload.CommitAsync(cancellationToken);
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _pending.Dispose();
            }

            base.Dispose(disposing);
        }

        /// <summary>Stages a part while more than a part is pending: the last part, however short, is staged by <see cref="FinishAsync"/>.</summary>
        private async Task StageFullPartsAsync(CancellationToken cancellationToken)
        {
            var bytes = _pending.GetBuffer();
            var length = (int)_pending.Length;
            var start = 0;
            while (length - start > partSize)
            {
                await upload.StageAsync(++Staged, new MemoryStream(bytes, start, partSize, writable: false), cancellationToken);
                start += partSize;
            }

            if (start > 0)
            {
                Buffer.BlockCopy(bytes, start, bytes, 0, length - start);
                _pending.SetLength(length - start);
            }
        }
    }
}
