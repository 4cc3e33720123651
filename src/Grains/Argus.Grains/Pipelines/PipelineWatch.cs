using System.IO.Hashing;
using System.Text;
using Argus.Grains.Jobs;
using Argus.Inference.Storage;
using Argus.Pipelines;

namespace Argus.Grains.Pipelines;

/// <summary>
/// What a pipeline's folder watch reads and how it names what it submits: the folder's images (as a watching job lists
/// its folder, confined to the input roots), and an item id derived from each image's path relative to the folder, so a
/// restart or a second lister submits the same image under the same id, which the item's grain takes once.
/// </summary>
internal static class PipelineWatch
{
    /// <summary>Characters of a hash of the relative path that end every id: different paths that read alike stay apart.</summary>
    private const int HashLength = 16;

    /// <summary>
    /// The images in <paramref name="folder"/> and below it, sorted, but those changed after <paramref name="settled"/>
    /// (still being copied in: the next listing takes them), each as its real path and its path relative to the folder.
    /// </summary>
    /// <exception cref="Errors.BadInputException">The folder, or a file in it, leaves the input roots, or the folder is gone.</exception>
    public static IReadOnlyList<(string Path, string Relative)> ListImages(string folder, DateTime settled, StorageOptions storage)
    {
        var real = JobStorage.Input(folder, ConfinedKind.Folder, storage);
        return [.. JobPlanner.ListFiles(real, storage)
            .Where(f => JobPlanner.IsImage(f) && File.GetLastWriteTimeUtc(f) <= settled)
            .Select(f => (f, Path.GetRelativePath(real, f)))];
    }

    /// <summary>
    /// The id of the item an image at <paramref name="relative"/> becomes: the path with every character an id may not
    /// hold replaced by '_', cut to fit, then '-' and a hash of the whole path. Always a valid id (<see cref="PipelineSpec.IsValidId"/>).
    /// </summary>
    public static string ItemId(string relative)
    {
        var hash = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(relative)).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        var name = new StringBuilder(Math.Min(relative.Length, 99 - HashLength));
        foreach (var c in relative.AsSpan(0, Math.Min(relative.Length, 99 - HashLength)))
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        }

        if (name.Length > 0 && name[0] == '.')
        {
            name[0] = '_'; // an id may not start with '.'
        }

        return $"{name}-{hash}";
    }
}
