using System.Text;
using Argus.Devices;
using Argus.Silo.Http;
using Argus.Testing.Fuzzing;
using Microsoft.AspNetCore.Http;

namespace Argus.Silo.Tests.Http;

/// <summary>
/// The query strings the API reads itself, fuzzed from real ones (<c>Fuzzing/Corpus/query</c>): a pipeline's item
/// listing (<c>state</c>, <c>from</c>, <c>to</c>, <c>limit</c>, <c>after</c>) and a request's options (<c>lane</c>,
/// <c>timeout_ms</c>, <c>version</c>, <c>route_key</c>). Each is read or refused with its problems, never an exception.
/// </summary>
public sealed class QueryFuzzTests
{
    private const string Parser = "query";

    private static readonly DateTime Now = new(2026, 12, 6, 16, 0, 0, DateTimeKind.Utc);

    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "&", "=", "?", "%", "%00", "%ZZ", "+", "state=", "from=", "to=", "limit=", "after=", "lane=", "timeout_ms=", "version=", "route_key=",
            "0001-01-01", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2147483647", "-1", "NaN",
            "Infinity", "1e400", "000101010000.", "999912312359.x", "batch", "%0A",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    [Fact]
    public void The_corpus_and_every_kept_crasher_are_read_or_refused() => Fuzz.Replay(Parser, Read);

    [Fact]
    public void Mutated_queries_are_read_or_refused_with_their_problems() =>
        Fuzz.Run(Parser, Fuzz.Mutants([.. Fuzz.Corpus(Parser).Select(f => f.Bytes)], Tokens), Read, query => query);

    private static void Read(byte[] bytes)
    {
        var query = Encoding.UTF8.GetString(bytes);
        var (items, problems) = Fuzz.Bounded((64 << 10) + 64L * bytes.Length, () => PipelineItemsQuery.Parse(query, Now));
        Assert.True(items is null != (problems.Count == 0), "a listing or its problems");
        Assert.All(problems, p => Assert.False(string.IsNullOrWhiteSpace(p)));

        var context = new DefaultHttpContext();
        context.Request.QueryString = QueryString.FromUriComponent(query.StartsWith('?') ? query : "?" + query);
        var (read, error) = Fuzz.Bounded((64 << 10) + 64L * bytes.Length,
            () => (RequestOptions.TryParse(context.Request, Lane.Interactive, out _, out var why), why));
        Assert.True(read == (error is null), "options or the reason");
    }
}
