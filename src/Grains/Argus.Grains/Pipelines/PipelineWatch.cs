using System.IO.Hashing;
using System.Text;
using Argus.Grains.Jobs;
using Argus.Grains.Storage;
using Argus.Inference.Storage;
using Argus.Pipelines;
using Argus.Storage;

namespace Argus.Grains.Pipelines;

/// <summary>
/// What a pipeline's watch reads and how it names what it submits: the images at its location, listed through the
/// location's store as a watching job lists its input (a local folder confined to the input roots; an object store's
/// prefix page by page), and an item id derived from each image's path relative to the watched folder or prefix, so a
/// restart or a second lister submits the same image under the same id, which the item's grain takes once.
/// </summary>
internal static class PipelineWatch
{
    /// <summary>Characters of a hash of the relative path that end every id: different paths that read alike stay apart.</summary>
    private const int HashLength = 16;

    /// <summary>
    /// The images at <paramref name="watch"/> and below it, sorted, but those changed after <paramref name="settled"/>
    /// (still being copied in: the next listing takes them), each as its location and its path relative to the watch.
    /// </summary>
    /// <exception cref="Errors.BadInputException">A local folder, or a file in it, leaves the input roots, or the folder is gone; or the store is not reachable.</exception>
    /// <exception cref="StoreException">The object store failed.</exception>
    public static async Task<IReadOnlyList<(string Location, string Relative)>> ListImagesAsync(
        JobStores stores, StorageOptions storage, string watch, DateTime settled, CancellationToken cancellationToken)
    {
        var location = StoreLocation.Parse(watch);
        // A local folder's ids are relative to its real path, as they always were; a prefix's to the prefix.
        var root = location.Kind == StoreKind.Local ? location with { Path = JobStorage.Input(location.Path, ConfinedKind.Folder, storage) } : location;
        var listed = await stores.For(root).ListAsync(root, cancellationToken);
        return [.. listed
            .Where(i => JobPlanner.IsImage(i.Location) && i.LastModifiedUtc <= settled)
            .Select(i => (i.Location, Relative(root, i.Location)))];
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

    private static string Relative(StoreLocation root, string item) =>
        root.Kind == StoreKind.Local
            ? Path.GetRelativePath(root.Path, item)
            : StoreLocation.Parse(item).Path[(root.Path.Length == 0 ? 0 : root.Path.Length + 1)..];
}
