using Argus.Grains.Jobs;
using Argus.Grains.Storage;
using Argus.Inference.Storage;
using Argus.Pipelines;
using Argus.Storage;

namespace Argus.Grains.Pipelines;

/// <summary>
/// Where a pipeline's files live: its archive (<see cref="PipelineSpec.Archive"/>), each submitted image kept as
/// <c>{archive}/{item}</c> so a backfill can re-score it, its watch (<see cref="PipelineSpec.Watch"/>), and its finals
/// table (<see cref="PipelineSpec.Output"/>, <see cref="FinalsTable"/>). Each is a
/// <see cref="StoreLocation"/>: a local folder is confined to the roots as a job's output or input is, checked at PUT and
/// resolved again at every use; an object store's prefix is reached through its <see cref="IJobStore"/>, like a job's.
/// An image is kept whole or not at all, as a job's part file is.
/// </summary>
public static class PipelineArchive
{
    /// <summary>
    /// What is wrong with <paramref name="spec"/>'s watch, archive and output on this silo, one line each: a local folder
    /// outside the roots (the watch an existing folder in the input roots, the others in the output roots), an object
    /// store the silos hold no credentials for. Locations that do not parse are <see cref="PipelineSpec.Validate"/>'s to name.
    /// </summary>
    public static IEnumerable<string> Problems(PipelineSpec spec, StorageOptions storage, ObjectStoreOptions stores)
    {
        foreach (var (location, what) in new[] { (spec.Watch, "watch"), (spec.Archive, "archive"), (spec.Output, "output") })
        {
            if (StoreLocation.Parse(location, what, out _) is not { } parsed)
            {
                continue;
            }

            if (parsed.Kind != StoreKind.Local)
            {
                if (stores.Unreachable(parsed) is { } unreachable)
                {
                    yield return unreachable;
                }

                continue;
            }

            string? refused = null;
            try
            {
                _ = what == "watch" ? storage.Input(parsed.Path, ConfinedKind.Folder, what) : storage.Output(parsed.Path, what);
            }
            catch (PathRefusedException e)
            {
                refused = e.Message;
            }

            if (refused is not null)
            {
                yield return refused;
            }
        }
    }

    /// <summary>Keeps <paramref name="image"/> of item <paramref name="item"/> in <paramref name="archive"/>; answers where.</summary>
    /// <exception cref="Errors.BadInputException">A local archive leaves the output roots, or the store is not reachable.</exception>
    /// <exception cref="IOException">The image cannot be written (<see cref="StoreException"/> for an object store).</exception>
    internal static async Task<string> KeepAsync(JobStores stores, string archive, string item, byte[] image)
    {
        var folder = stores.Folder(archive);
        await folder.WriteAsync(item, (stream, token) => stream.WriteAsync(image, token).AsTask());
        return StoreLocation.Parse(archive).Child(item).ToString();
    }

    /// <summary>
    /// The bytes of a kept image (in an archive, or the watched file or object it came from). A local one is opened inside
    /// the output and input roots without following links.
    /// </summary>
    /// <exception cref="PathRefusedException">A local one leaves the output and input roots, or is not a regular file.</exception>
    /// <exception cref="Errors.BadInputException">An object is not there, or its store is not reachable.</exception>
    /// <exception cref="IOException">It cannot be read (<see cref="StoreException"/> for an object store).</exception>
    internal static async Task<byte[]> ReadAsync(JobStores stores, StorageOptions storage, string image, CancellationToken cancellationToken)
    {
        var location = StoreLocation.Parse(image);
        return location.Kind == StoreKind.Local
            ? await Task.Run(() => ConfinedFile.ReadAllBytes(storage.Kept(image)), cancellationToken)
            : await stores.For(location).ReadItemAsync(location, cancellationToken);
    }
}
