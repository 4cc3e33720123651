namespace Argus.LoadTesting.Targets;

/// <summary>The encoded photos a load test sends, held in memory; callers take them round robin.</summary>
public sealed class ImageSet
{
    private readonly IReadOnlyList<(string Name, byte[] Data)> _images;
    private long _next = -1;

    private ImageSet(string folder, IReadOnlyList<(string Name, byte[] Data)> images, IReadOnlyList<string> leftOut)
    {
        Folder = folder;
        _images = images;
        LeftOut = leftOut;
    }

    /// <summary>The folder the photos came from.</summary>
    public string Folder { get; }

    /// <summary>Every photo, by file name.</summary>
    public IReadOnlyList<(string Name, byte[] Data)> All => _images;

    /// <summary>Photos the check refused, each as "name: reason".</summary>
    public IReadOnlyList<string> LeftOut { get; }

    /// <summary>The bytes of all photos together.</summary>
    public long TotalBytes => _images.Sum(i => (long)i.Data.Length);

    /// <summary>The next photo, round robin; safe from many threads.</summary>
    public byte[] Next() => _images[(int)((ulong)Interlocked.Increment(ref _next) % (ulong)_images.Count)].Data;

    /// <summary>
    /// Reads every <c>*.jpg</c> of <paramref name="folder"/> in name order. <paramref name="check"/>, when given, throws
    /// <see cref="Argus.Inference.Imaging.InvalidInputException"/> for a photo that must be left out.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidOperationException">No usable photo in the folder.</exception>
    public static ImageSet Load(string folder, Action<byte[]>? check = null)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"No image folder {folder} (install Debian's opencv-doc, or pass --images DIR).");
        }

        List<(string, byte[])> images = [];
        List<string> leftOut = [];
        foreach (var path in Directory.EnumerateFiles(folder, "*.jpg").Order(StringComparer.Ordinal))
        {
            var data = File.ReadAllBytes(path);
            try
            {
                check?.Invoke(data);
                images.Add((Path.GetFileName(path), data));
            }
            catch (Argus.Inference.Imaging.InvalidInputException e)
            {
                leftOut.Add($"{Path.GetFileName(path)}: {e.Message}");
            }
        }

        return images.Count > 0
            ? new ImageSet(folder, images, leftOut)
            : throw new InvalidOperationException($"No usable *.jpg in {folder}.");
    }
}
