using System.Diagnostics;

namespace Argus.LoadTesting.Targets;

/// <summary>What <see cref="RawPipeline.RunAsync"/> did.</summary>
/// <param name="Succeeded">Files with an output row.</param>
/// <param name="Failed">Files that could not be read or decoded.</param>
/// <param name="Batches">Batches the session ran.</param>
/// <param name="Wall">From the first file read to the last batch's outputs.</param>
/// <param name="PreprocessMs">Reading, decoding and preprocessing, summed over the batches (overlapped with running).</param>
/// <param name="ComputeMs">The session's runs, summed over the batches.</param>
public sealed record RawPipelineResult(long Succeeded, long Failed, int Batches, TimeSpan Wall, double PreprocessMs, double ComputeMs);

/// <summary>
/// Files through a <see cref="RawTarget"/>'s warm session as fast as one process can take them, in batches of a given size:
/// while one batch runs, the next ones are read, decoded and preprocessed in parallel on the thread pool, at most
/// <c>depth</c> batches ahead (a bounded pipeline). The baseline a batch job over the same files is measured against.
/// </summary>
public static class RawPipeline
{
    /// <summary>
    /// Runs every file of <paramref name="files"/>, in order, in batches of <paramref name="batchSize"/>, preparing up to
    /// <paramref name="depth"/> batches ahead of the one running. Outputs are checked (count, size, finite) and dropped.
    /// </summary>
    public static Task<RawPipelineResult> RunAsync(
        RawTarget target, IReadOnlyList<string> files, int batchSize, int depth = 2, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        return Task.Run(async () =>
        {
            var started = Stopwatch.GetTimestamp();
            var chunks = files.Chunk(batchSize).ToArray();
            var ahead = new Queue<Task<PreparedBatch>>();
            var next = 0;
            long succeeded = 0, failed = 0;
            double preprocessMs = 0, computeMs = 0;
            for (var i = 0; i < chunks.Length; i++)
            {
                while (next < chunks.Length && ahead.Count < depth)
                {
                    var chunk = chunks[next++];
                    ahead.Enqueue(Task.Run(() => Prepare(target, chunk), cancellationToken));
                }

                var batch = await ahead.Dequeue();
                cancellationToken.ThrowIfCancellationRequested();
                var run = Stopwatch.GetTimestamp();
                succeeded += target.Run(batch).Length;
                computeMs += Stopwatch.GetElapsedTime(run).TotalMilliseconds;
                failed += batch.Errors.Count(e => e is not null);
                preprocessMs += batch.PreprocessMs;
            }

            return new RawPipelineResult(succeeded, failed, chunks.Length, Stopwatch.GetElapsedTime(started), preprocessMs, computeMs);
        }, cancellationToken);
    }

    /// <summary>Reads the chunk's files and prepares them; a file that cannot be read is prepared as an empty (unusable) image.</summary>
    private static PreparedBatch Prepare(RawTarget target, string[] chunk)
    {
        var started = Stopwatch.GetTimestamp();
        var images = chunk.Select(Read).ToArray();
        var prepared = target.Prepare(images);
        return prepared with { PreprocessMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds };
    }

    private static byte[] Read(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (IOException)
        {
            return [];
        }
    }
}
