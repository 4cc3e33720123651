using Argus.Inference.Video;
using Argus.Testing.Fuzzing;
using CsCheck;

namespace Argus.Inference.Tests.Video;

/// <summary>
/// The MJPEG splitter, fuzzed from real streams of back-to-back JPEGs (<c>Fuzzing/Corpus/jpeg-stream</c>) arriving in
/// reads of any size: every frame it returns is a run of the stream from FF D8 to FF D9, anything else is refused with
/// <see cref="InvalidDataException"/>, and it holds no more than the bytes that arrived (its buffer grows with them).
/// </summary>
public sealed class JpegStreamSplitterFuzzTests
{
    private const string Parser = "jpeg-stream";

    // The first buffer, and the frames copied out and the buffer's doublings, each at most the stream's length.
    private const long FirstBuffer = 256 << 10;

    private static readonly byte[][] Tokens =
        [[0xFF, 0xD8], [0xFF, 0xD9], [0xFF, 0xDA, 0x00, 0x02], [0xFF, 0x00], [0xFF, 0xD0], [0xFF, 0x01], [0xFF, 0xFF], [0xFF, 0xFE, 0xFF, 0xFF], [0xFF]];

    [Fact]
    public void The_corpus_and_every_kept_crasher_split_or_are_refused() => Fuzz.Replay(Parser, stream => Split(stream, 1));

    [Fact]
    public void Mutated_streams_split_into_whole_jpegs_or_are_refused() =>
        Fuzz.Run(Parser, Gen.Select(Fuzz.Mutants([.. Fuzz.Corpus(Parser).Select(f => f.Bytes)], Tokens), Gen.Int[1, 4096]),
            input => Split(input.Item1, input.Item2), input => input.Item1);

    private static void Split(byte[] stream, int chunk) =>
        Fuzz.Bounded(2 * FirstBuffer + 8L * stream.Length, () =>
        {
            Fuzz.Only<InvalidDataException>(() =>
            {
                var splitter = new JpegStreamSplitter(new ChunkedStream(stream, chunk));
                var from = 0;
                while (splitter.ReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult() is { } frame)
                {
                    if (frame.Length < 4 || frame[0] != 0xFF || frame[1] != 0xD8 || frame[^2] != 0xFF || frame[^1] != 0xD9)
                    {
                        throw new FuzzException($"A frame of {frame.Length} bytes does not run from FF D8 to FF D9.");
                    }

                    var at = stream.AsSpan(from).IndexOf(frame);
                    if (at < 0)
                    {
                        throw new FuzzException($"A frame of {frame.Length} bytes is no run of the stream after byte {from}.");
                    }

                    from += at + frame.Length;
                }
            });
            return 0;
        });
}
