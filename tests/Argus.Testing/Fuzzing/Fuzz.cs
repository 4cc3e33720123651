using System.Diagnostics;
using System.Security.Cryptography;
using CsCheck;

namespace Argus.Testing.Fuzzing;

/// <summary>
/// Runs a parser's property over a seed corpus mutated by CsCheck (generated, and shrunk to the smallest input that still
/// fails), for <see cref="Seconds"/> per parser. The corpus of each parser lives in its test project under
/// <c>Fuzzing/Corpus/{parser}/</c>: real inputs, and every crasher found, replayed by <see cref="Replay"/> on every run.
/// </summary>
public static class Fuzz
{
    /// <summary>How long each parser is fuzzed: <c>ARGUS_FUZZ_SECONDS</c>, else 3 (the normal test run).</summary>
    public static int Seconds { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("ARGUS_FUZZ_SECONDS"), out var seconds) && seconds > 0 ? seconds : 3;

    /// <summary>
    /// The longest one input may take. A parser's inputs are a few KB and take micro- to milliseconds; this only has to
    /// tell a hang from a loaded machine.
    /// </summary>
    public static readonly TimeSpan MaxPerInput = TimeSpan.FromSeconds(10);

    /// <summary>A file each run's summary (inputs tried, time) is appended to: <c>ARGUS_FUZZ_LOG</c>; none when unset.</summary>
    public static string? LogFile { get; } = Environment.GetEnvironmentVariable("ARGUS_FUZZ_LOG");

    /// <summary>Where a failing input is written, shrunk: <c>ARGUS_FUZZ_CRASHERS</c>, else a folder in the temp directory.</summary>
    public static string CrashersDir { get; } =
        Environment.GetEnvironmentVariable("ARGUS_FUZZ_CRASHERS") ?? Path.Combine(Path.GetTempPath(), "argus-fuzz-crashers");

    // Values that sit on the edges of the fields a header declares (sizes, lengths, counts), written over 2 or 4 bytes.
    private static readonly uint[] Edges = [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xEA60, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF];

    private enum Change
    {
        SetByte,
        Edge,
        Insert,
        Delete,
        Truncate,
        Repeat,
    }

    private readonly record struct Mutation(Change Change, int At, int Length, byte Value, int Edge, bool BigEndian, bool Wide, byte[] Bytes);

    /// <summary>The files of <paramref name="parser"/>'s corpus (seeds and kept crashers), by name.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> Corpus(string parser)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Fuzzing", "Corpus", parser);
        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"No fuzz corpus at {dir}: the test project copies Fuzzing/Corpus/** to its output.");
        }

        return [.. Directory.GetFiles(dir).Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f)))];
    }

    /// <summary>
    /// Inputs made from <paramref name="seeds"/> by up to eight changes each: a byte set, an edge value written over a
    /// field (2 or 4 bytes, either byte order, near the start more often), bytes inserted (random or one of
    /// <paramref name="tokens"/>), deleted, the tail cut, a run repeated. Shrinks toward fewer, smaller changes.
    /// </summary>
    public static Gen<byte[]> Mutants(IReadOnlyList<byte[]> seeds, params IReadOnlyList<byte[]> tokens)
    {
        var inserted = tokens.Count == 0
            ? Gen.Byte.Array[1, 8]
            : Gen.Frequency((1, Gen.Byte.Array[1, 8]), (2, Gen.Int[0, tokens.Count - 1].Select(i => tokens[i])));
        var mutation = Gen.Select(
            Gen.Enum<Change>(), Gen.Int[0, 1 << 16], Gen.Int[1, 64], Gen.Byte, Gen.Int[0, Edges.Length - 1], Gen.Bool, Gen.Bool, inserted,
            (change, at, length, value, edge, bigEndian, wide, bytes) => new Mutation(change, at, length, value, edge, bigEndian, wide, bytes));
        return Gen.Select(Gen.Int[0, seeds.Count - 1], mutation.Array[0, 8], (seed, mutations) => Apply(seeds[seed], mutations));
    }

    /// <summary>
    /// Checks <paramref name="property"/> on inputs from <paramref name="gen"/> for <see cref="Seconds"/>; a failure is
    /// shrunk, written to <see cref="CrashersDir"/> (<paramref name="bytes"/> says what to keep) and reported with the
    /// seed that repeats it.
    /// </summary>
    public static void Run<T>(string parser, Gen<T> gen, Action<T> property, Func<T, byte[]> bytes) =>
        gen.Sample(property, time: Seconds, threads: 1, print: input => Keep(parser, bytes(input)),
            writeLine: LogFile is null ? null : line => File.AppendAllText(LogFile, $"{parser}: {line}{Environment.NewLine}"));

    /// <summary>Checks <paramref name="property"/> on every file of <paramref name="parser"/>'s corpus: the seeds and every crasher kept.</summary>
    public static void Replay(string parser, Action<byte[]> property)
    {
        var corpus = Corpus(parser);
        if (corpus.Count == 0)
        {
            throw new InvalidOperationException($"The fuzz corpus of {parser} is empty.");
        }

        foreach (var (name, data) in corpus)
        {
            try
            {
                property(data);
            }
            catch (Exception e)
            {
                throw new FuzzException($"{parser}'s corpus file {name} fails: {e.Message}", e);
            }
        }
    }

    /// <summary>
    /// Calls <paramref name="parse"/> on a pool thread and fails when it takes longer than <see cref="MaxPerInput"/>
    /// (a hang), or allocates more managed memory than <paramref name="maxBytes"/> (memory in proportion to what the input
    /// declares rather than to what it holds).
    /// </summary>
    public static T Bounded<T>(long maxBytes, Func<T> parse)
    {
        var run = Task.Run(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            var result = parse();
            return (Result: result, Allocated: GC.GetAllocatedBytesForCurrentThread() - before, clock.Elapsed);
        });
        // Waited on without Wait(), which would wrap the parser's own exception in an AggregateException.
        if (!((IAsyncResult)run).AsyncWaitHandle.WaitOne(MaxPerInput))
        {
            throw new FuzzException($"The parser is still running after {MaxPerInput.TotalSeconds} s: a hang.");
        }

        var (value, allocated, _) = run.GetAwaiter().GetResult();
        if (allocated > maxBytes)
        {
            throw new FuzzException($"The parser allocated {allocated} bytes; at most {maxBytes} were allowed for this input.");
        }

        return value;
    }

    /// <summary>Fails unless <paramref name="call"/> throws nothing or an exception of type <typeparamref name="TDocumented"/>; returns that exception.</summary>
    public static TDocumented? Only<TDocumented>(Action call)
        where TDocumented : Exception
    {
        try
        {
            call();
            return null;
        }
        catch (TDocumented e)
        {
            return e;
        }
        catch (Exception e) when (e is not FuzzException)
        {
            throw new FuzzException($"Threw {e.GetType().Name}, not the documented {typeof(TDocumented).Name}: {e}", e);
        }
    }

    private static byte[] Apply(byte[] seed, Mutation[] mutations)
    {
        List<byte> data = [.. seed];
        foreach (var m in mutations)
        {
            var at = m.At % (data.Count + 1);
            switch (m.Change)
            {
                case Change.SetByte when data.Count > 0:
                    data[at % data.Count] = m.Value;
                    break;
                case Change.Edge:
                    // Headers declare their sizes near the start: half the edges land in the first 64 bytes.
                    var edgeAt = m.Value % 2 == 0 ? at % Math.Min(data.Count + 1, 64) : at;
                    Write(data, edgeAt, Edges[m.Edge], m.Wide ? 4 : 2, m.BigEndian);
                    break;
                case Change.Insert:
                    data.InsertRange(at, m.Bytes);
                    break;
                case Change.Delete:
                    data.RemoveRange(at, Math.Min(m.Length, data.Count - at));
                    break;
                case Change.Truncate:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case Change.Repeat:
                    var run = data.GetRange(at, Math.Min(m.Length, data.Count - at));
                    for (var n = m.Value % 16; n > 0; n--)
                    {
                        data.InsertRange(at, run);
                    }

                    break;
            }
        }

        return [.. data];
    }

    private static void Write(List<byte> data, int at, uint value, int width, bool bigEndian)
    {
        for (var k = 0; k < width && at + k < data.Count; k++)
        {
            var shift = 8 * (bigEndian ? width - 1 - k : k);
            data[at + k] = (byte)(value >> shift);
        }
    }

    /// <summary>Writes a shrunk failing input where it can be copied into the corpus, and says where.</summary>
    private static string Keep(string parser, byte[] input)
    {
        var dir = Path.Combine(CrashersDir, parser);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "crash-" + Convert.ToHexStringLower(SHA256.HashData(input))[..12]);
        File.WriteAllBytes(path, input);
        return $"{input.Length} bytes, written to {path}: copy it into the test project's Fuzzing/Corpus/{parser}/ to keep it as a regression test";
    }
}

/// <summary>A parser broke its fuzz property: an undocumented exception, a hang, or memory beyond what its input holds.</summary>
public sealed class FuzzException(string message, Exception? inner = null) : Exception(message, inner);
