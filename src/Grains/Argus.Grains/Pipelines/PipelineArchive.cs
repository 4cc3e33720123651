using Argus.Grains.Jobs;
using Argus.Inference.Storage;
using Argus.Pipelines;

namespace Argus.Grains.Pipelines;

/// <summary>
/// A pipeline's archive (<see cref="PipelineSpec.Archive"/>): each submitted image kept as <c>{archive}/{item}</c>, so a
/// backfill can re-score it. The folder is confined to the output roots as a job's output is, checked at PUT and
/// resolved again at every write; the image is written whole or not at all, as a job's part file is.
/// </summary>
public static class PipelineArchive
{
    /// <summary>What is wrong with <paramref name="spec"/>'s archive on this silo's file system; null when nothing is (or it has none).</summary>
    public static string? Problem(PipelineSpec spec, StorageOptions storage)
    {
        if (spec.Archive is not { } archive || !Path.IsPathFullyQualified(archive))
        {
            return null; // none, or a relative path PipelineSpec.Validate names
        }

        try
        {
            storage.Output(archive, "archive");
            return null;
        }
        catch (PathRefusedException e)
        {
            return e.Message;
        }
    }

    /// <summary>Keeps <paramref name="image"/> of item <paramref name="item"/> in <paramref name="archive"/>; answers where.</summary>
    /// <exception cref="Errors.BadInputException">The archive leaves the output roots.</exception>
    /// <exception cref="IOException">The image cannot be written.</exception>
    internal static string Keep(StorageOptions storage, string archive, string item, byte[] image)
    {
        var path = Path.Combine(archive, item);
        JobFiles.WriteAtomically(storage, path, image);
        return path;
    }

    /// <summary>The bytes of a kept image (in an archive, or the watched file it came from), opened without following links.</summary>
    /// <exception cref="PathRefusedException">It leaves the output and input roots, or is not a regular file.</exception>
    /// <exception cref="IOException">It cannot be read.</exception>
    internal static byte[] Read(StorageOptions storage, string path) => ConfinedFile.ReadAllBytes(storage.Kept(path));
}
