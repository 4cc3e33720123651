using Argus.Grains.Jobs;

namespace Argus.Grains.Tests.Jobs;

public sealed class ParquetPartTests
{
    [Fact]
    public async Task A_part_reads_back_every_task_s_answer_and_counts_its_rows_from_the_footer()
    {
        var results = JobResults.OfEveryTask(shard: 3);
        using var part = new MemoryStream();

        await ParquetPart.WriteAsync(part, results, CancellationToken.None);

        part.Position = 0;
        Assert.Equal(JobResults.Json(results), JobResults.Json(await ParquetPart.ReadAsync(part, CancellationToken.None)));
        part.Position = 0;
        Assert.Equal(4, await ParquetPart.CountAsync(part, CancellationToken.None));
    }

    [Fact]
    public async Task A_part_is_written_front_to_back_so_a_stream_that_cannot_seek_takes_it()
    {
        using var file = new MemoryStream();
        using var forwardOnly = new ForwardOnlyStream(file);

        await ParquetPart.WriteAsync(forwardOnly, JobResults.OfEveryTask(shard: 0), CancellationToken.None);

        file.Position = 0;
        Assert.Equal(4, await ParquetPart.CountAsync(file, CancellationToken.None));
    }

    [Fact]
    public async Task A_file_that_is_not_parquet_is_invalid_data()
    {
        using var lines = new MemoryStream("{\"item\":\"a\"}\n"u8.ToArray());

        await Assert.ThrowsAsync<InvalidDataException>(() => ParquetPart.CountAsync(lines, CancellationToken.None));
        lines.Position = 0;
        await Assert.ThrowsAsync<InvalidDataException>(() => ParquetPart.ReadAsync(lines, CancellationToken.None));
    }

    /// <summary>Writes through to a stream, as an upload does: no seeking, no position, no reading.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
