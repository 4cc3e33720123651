using System.Text;
using Argus.Silo.Http;
using Argus.Testing.Fuzzing;
using CsCheck;

namespace Argus.Silo.Tests.Http;

/// <summary>
/// The v1 multipart reader, fuzzed from real bodies (<c>Fuzzing/Corpus/multipart</c>) under Content-Types right and
/// wrong: every body is read to its files or refused with a reason, never an exception; every file is a run of the body;
/// and what it allocates follows the body's length, not a length a section declares.
/// </summary>
public sealed class MultipartImagesFuzzTests
{
    private const string Parser = "multipart";

    private static readonly string?[] ContentTypes =
    [
        "multipart/form-data; boundary=b0", "multipart/form-data; boundary=\"b0\"", "multipart/form-data; boundary=b", "multipart/form-data",
        "multipart/form-data; boundary=", "multipart/form-data; boundary=\"", "multipart/form-data; boundary=b0; boundary=b1",
        "multipart/form-data; boundary=" + new string('b', 71), "text/plain", "", null,
    ];

    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "\r\n", "--b0", "--b0--", "\r\n--b0\r\n", "Content-Disposition: form-data; name=\"images\"; filename=\"x.jpg\"\r\n\r\n",
            "Content-Length: 4294967296\r\n", "Content-Length: -1\r\n", "filename*=", "filename*=UTF-8''%ZZ", "\"", ";", ":", "\0",
            new string('A', 200),
        }.Select(Encoding.UTF8.GetBytes),
    ];

    [Fact]
    public void The_corpus_and_every_kept_crasher_are_read_or_refused() =>
        Fuzz.Replay(Parser, body => Read(body, ContentTypes[0]));

    [Fact]
    public void Mutated_bodies_are_read_or_refused_with_a_reason() =>
        Fuzz.Run(Parser, Gen.Select(Fuzz.Mutants([.. Fuzz.Corpus(Parser).Select(f => f.Bytes)], Tokens), Gen.Int[0, ContentTypes.Length - 1]),
            input => Read(input.Item1, ContentTypes[input.Item2]), input => input.Item1);

    private static void Read(byte[] body, string? contentType)
    {
        // MultipartReader's buffers and header limits (16 KB), then the files copied out: each a run of the body.
        var read = Fuzz.Bounded((1 << 20) + 16L * body.Length,
            () => MultipartImages.ReadAsync(body, contentType, CancellationToken.None).GetAwaiter().GetResult());
        if (read.Error is not null)
        {
            Assert.False(string.IsNullOrWhiteSpace(read.Error));
            Assert.Empty(read.Images);
            return;
        }

        Assert.NotEmpty(read.Images);
        Assert.All(read.Images, image => Assert.True(image.Data.Length == 0 || body.AsSpan().IndexOf(image.Data) >= 0, "a file is a run of the body"));
    }
}
