using Argus.Errors;
using Argus.Grains.Storage;
using Argus.Inference.Storage;
using Argus.Inference.Video;
using Argus.Jobs;
using Argus.Storage;
using Microsoft.Extensions.FileSystemGlobbing;

namespace Argus.Grains.Jobs;

/// <summary>
/// Turns a job's input into its items, in a stable order (paths sorted ordinally, a video's frames in time order), so
/// that planning the same input twice gives the same shards.
/// </summary>
internal static class JobPlanner
{
    /// <summary>The file extensions a folder or glob input takes as images.</summary>
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff",
    };

    private static readonly HashSet<string> ManifestExtensions = new(StringComparer.OrdinalIgnoreCase) { ".txt", ".lst", ".csv" };

    /// <summary>
    /// The files <paramref name="input"/> names: a folder's images and videos (recursively), the files a glob (<c>*</c> within a name, <c>**</c> across folders) matches,
    /// or the paths a manifest lists (relative ones resolved against its folder; blank lines and lines starting with
    /// '#' skipped; for a CSV, the first column). Every one as its real path inside the input roots of
    /// <paramref name="storage"/>, sorted, without duplicates. A file that leaves the roots (a manifest line naming
    /// <c>/etc/passwd</c>, a link in the folder pointing out) fails the whole listing, naming it: a job reads nothing
    /// outside its roots, and says so rather than leaving items out.
    /// </summary>
    /// <exception cref="BadInputException">The input does not exist, is not one of those, or names a file outside the roots.</exception>
    public static IReadOnlyList<string> ListFiles(string input, StorageOptions storage)
    {
        var real = JobStorage.ResolveInput(input, storage);
        IEnumerable<string> files;
        if (input.Contains('*'))
        {
            var (_, pattern) = SplitGlob(input);
            var matcher = new Matcher(StringComparison.Ordinal);
            matcher.AddInclude(pattern);
            files = matcher.GetResultsInFullPath(real);
        }
        else if (Directory.Exists(real))
        {
            files = Directory.EnumerateFiles(real, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden })
                .Where(IsMedia);
        }
        else if (ManifestExtensions.Contains(Path.GetExtension(real)))
        {
            var root = Path.GetDirectoryName(real)!;
            var csv = Path.GetExtension(real).Equals(".csv", StringComparison.OrdinalIgnoreCase);
            files = File.ReadLines(real)
                .Select(l => l.Trim())
                .Where(l => l.Length > 0 && !l.StartsWith('#'))
                .Select(l => csv ? l.Split(',')[0].Trim().Trim('"') : l)
                .Select(l => Path.GetFullPath(l, root));
        }
        else
        {
            throw new BadInputException($"Input '{input}' is a file but not a manifest (.txt, .lst or .csv, one path per line).");
        }

        return [.. files.Select(f => JobStorage.Input(f, ConfinedKind.File, storage)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>An absolute glob's fixed leading folders (where matching starts) and the rest, its pattern.</summary>
    /// <exception cref="BadInputException">The pattern has a <c>..</c> segment.</exception>
    public static (string Root, string Pattern) SplitGlob(string glob)
    {
        var parts = glob.Split('/');
        var fixedCount = parts.TakeWhile(p => !p.Contains('*')).Count();
        return parts.Skip(fixedCount).Contains("..")
            ? throw new BadInputException($"input '{glob}' has a '..' segment in its pattern: match files inside the input roots only.")
            : ("/" + string.Join('/', parts.Take(fixedCount).Where(p => p.Length > 0)), string.Join('/', parts.Skip(fixedCount)));
    }

    /// <summary>Whether <paramref name="path"/> is named as an image.</summary>
    public static bool IsImage(string path) => ImageExtensions.Contains(Path.GetExtension(path));

    /// <summary>Whether a watched local input is a folder or glob (a manifest is read once).</summary>
    public static bool CanWatch(string input) => Directory.Exists(input) || input.Contains('*');

    /// <summary>
    /// The items of <paramref name="files"/>: an image file is one item; a video file one item per frame sampled at
    /// <paramref name="videoFps"/>; a video OpenCV cannot open stays one item, which then fails with the reason.
    /// </summary>
    public static IEnumerable<JobItem> Items(IEnumerable<string> files, double videoFps, CancellationToken cancellationToken = default)
    {
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!VideoSampler.Extensions.Contains(Path.GetExtension(file)))
            {
                yield return JobItem.Image(file);
                continue;
            }

            IReadOnlyList<(long Frame, double Seconds)> frames;
            try
            {
                frames = VideoSampler.Plan(file, videoFps);
            }
            catch (InvalidDataException)
            {
                frames = [];
            }

            if (frames.Count == 0)
            {
                yield return new JobItem(file, file, Frame: -1); // the worker reports it unreadable
            }

            foreach (var (frame, seconds) in frames)
            {
                yield return JobItem.VideoFrame(file, frame, seconds);
            }
        }
    }

    /// <summary>
    /// Lists <paramref name="spec"/>'s input in its store, leaving out <paramref name="known"/> items and items changed
    /// after <paramref name="settled"/>, and writes their shard plans in <paramref name="folder"/>, numbered from
    /// <paramref name="first"/>.
    /// </summary>
    /// <exception cref="BadInputException">
    /// The input does not exist, is not a folder, a glob, a manifest or an object store's prefix, or leaves the input roots.
    /// </exception>
    /// <exception cref="StoreException">The input's or the folder's object store failed.</exception>
    public static async Task<JobPlan> PlanAsync(
        JobSpec spec, JobFolder folder, int first, IReadOnlySet<string>? known, DateTime? settled, JobStores stores, CancellationToken cancellationToken = default)
    {
        var input = StoreLocation.Parse(spec.Input);
        var fresh = (await stores.For(input).ListAsync(input, cancellationToken))
            .Where(f => known?.Contains(f.Location) != true && (settled is not { } cutoff || f.LastModifiedUtc <= cutoff))
            .Select(f => f.Location)
            .ToList();
        var shard = first;
        long items = 0;
        foreach (var chunk in Items(fresh, spec.VideoFps, cancellationToken).Chunk(spec.ShardSize))
        {
            await JobFiles.WritePlanAsync(folder, shard++, chunk, cancellationToken);
            items += chunk.Length;
        }

        // Only a watching job needs to remember what it listed.
        HashSet<string>? files = null;
        if (spec.Watch)
        {
            files = known is null ? new(StringComparer.Ordinal) : new(known, StringComparer.Ordinal);
            files.UnionWith(fresh);
        }

        return new JobPlan(shard - first, items, files);
    }

    /// <summary>The items a watching job planned already, read back from its first <paramref name="shards"/> plan files after it moved.</summary>
    public static async Task<HashSet<string>> KnownFilesAsync(JobFolder folder, int shards, CancellationToken cancellationToken = default)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        for (var shard = 0; shard < shards; shard++)
        {
            known.UnionWith((await JobFiles.ReadPlanAsync(folder, shard, cancellationToken)).Select(i => i.Path));
        }

        return known;
    }

    private static bool IsMedia(string path) => IsImage(path) || VideoSampler.Extensions.Contains(Path.GetExtension(path));
}

/// <summary>What one planning pass wrote.</summary>
/// <param name="Shards">Shard plans written.</param>
/// <param name="Items">Items in them.</param>
/// <param name="Files">Every file a watching job has planned so far; null for a job that does not watch.</param>
internal sealed record JobPlan(int Shards, long Items, HashSet<string>? Files);
