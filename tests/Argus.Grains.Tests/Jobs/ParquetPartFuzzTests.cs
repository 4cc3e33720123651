using Argus.Grains.Jobs;

namespace Argus.Grains.Tests.Jobs;

/// <summary>
/// Parts cut short (a copy that stopped) and files of random bytes under a part's name, with and without Parquet's magic,
/// seeded so that a failure repeats: each fails as <see cref="InvalidDataException"/>, never as another exception, and
/// never hangs. Bytes damaged inside a whole part are left out: seed 20261206 found that a flipped byte in
/// the footer or in a data page can make Parquet.Net 6.1.0 spin for good, so parts are read only from the job's own
/// output folder, where a silo wrote them whole (temporary file, flush, rename).
/// </summary>
public sealed class ParquetPartFuzzTests
{
    private const int Parts = 1500;

    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Cut_or_random_parts_fail_as_invalid_data()
    {
        using var written = new MemoryStream();
        await ParquetPart.WriteAsync(written, JobResults.OfEveryTask(shard: 1), CancellationToken.None);
        var original = written.ToArray();
        var random = new Random(20261206);
        for (var i = 0; i < Parts; i++)
        {
            var part = Mutate(original, random);
            var outcome = Task.Run(async () =>
                $"{await OutcomeAsync(() => ParquetPart.CountAsync(new MemoryStream(part), CancellationToken.None))}, " +
                $"{await OutcomeAsync(async () => (await ParquetPart.ReadAsync(new MemoryStream(part), CancellationToken.None)).Count)}");
            string result;
            try
            {
                result = await outcome.WaitAsync(Hang);
            }
            catch (TimeoutException)
            {
                result = $"did not finish in {Hang.TotalSeconds} s";
            }

            Assert.True(result == "refused, refused", $"Part {i} (seed 20261206, base64 {Convert.ToBase64String(part)}): {result}");
        }
    }

    private static async Task<string> OutcomeAsync(Func<Task<int>> read)
    {
        try
        {
            return $"gave {await read()}";
        }
        catch (InvalidDataException)
        {
            return "refused";
        }
        catch (Exception e)
        {
            return $"threw {e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>The part cut at a random length, or random bytes, half of them framed by "PAR1" as a Parquet file is.</summary>
    private static byte[] Mutate(byte[] original, Random random)
    {
        if (random.Next(2) == 0)
        {
            return original[..random.Next(original.Length)];
        }

        var bytes = new byte[random.Next(original.Length)];
        random.NextBytes(bytes);
        if (random.Next(2) == 0 && bytes.Length >= 12)
        {
            "PAR1"u8.CopyTo(bytes);
            "PAR1"u8.CopyTo(bytes.AsSpan(bytes.Length - 4));
        }

        return bytes;
    }
}
