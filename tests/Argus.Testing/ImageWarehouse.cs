using OpenCvSharp;

namespace Argus.Testing;

/// <summary>
/// Folders of distinct real images for batch jobs: crops, flips, rotations and rescales of the photos in
/// <see cref="TestData.ImagesDir"/>, written as JPEG or PNG. The same arguments always give the same files.
/// </summary>
public static class ImageWarehouse
{
    private static readonly string[] Sources =
    [
        "apple.jpg", "baboon.jpg", "board.jpg", "building.jpg", "butterfly.jpg", "fruits.jpg", "home.jpg",
        "messi5.jpg", "orange.jpg", "pic1.png", "pic3.png", "HappyFish.jpg", "aero1.jpg", "leuvenA.jpg", "graf1.png",
    ];

    /// <summary>
    /// Writes <paramref name="count"/> distinct images named <c>img-{n:D6}.jpg</c> (every tenth a <c>.png</c>) into
    /// <paramref name="folder"/>, spread over subfolders of 1000, and returns their paths in order. Files already there
    /// are kept, so a second call is quick.
    /// </summary>
    public static IReadOnlyList<string> Create(string folder, int count, int seed = 1)
    {
        var photos = Sources.Select(name => Path.Combine(TestData.ImagesDir, name)).Where(File.Exists).ToArray();
        if (photos.Length == 0)
        {
            throw new FileNotFoundException($"No photos in {TestData.ImagesDir}: run scripts/test.sh, which installs Debian's opencv-doc.");
        }

        var decoded = photos.Select(p => Cv2.ImRead(p, ImreadModes.Color)).ToArray();
        try
        {
            var paths = new string[count];
            Parallel.For(0, count, n =>
            {
                var path = Path.Combine(folder, $"{n / 1000:D3}", $"img-{n:D6}" + (n % 10 == 9 ? ".png" : ".jpg"));
                paths[n] = path;
                if (File.Exists(path))
                {
                    return;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                using var variant = Variant(decoded[n % decoded.Length], new Random(HashCode.Combine(seed, n)));
                var temp = path + ".tmp" + Path.GetExtension(path);
                Cv2.ImWrite(temp, variant);
                File.Move(temp, path, overwrite: true);
            });
            return paths;
        }
        finally
        {
            foreach (var m in decoded)
            {
                m.Dispose();
            }
        }
    }

    /// <summary>Writes files that are not images a decoder can read (truncated, zeroed, text) and returns their paths.</summary>
    public static IReadOnlyList<string> CreateCorrupt(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        var paths = new List<string>();
        for (var n = 0; n < count; n++)
        {
            var path = Path.Combine(folder, $"corrupt-{n:D3}" + (n % 3 == 2 ? ".png" : ".jpg"));
            var bytes = (n % 3) switch
            {
                0 => TestData.TruncatedJpeg(600 + 37 * n),
                1 => System.Text.Encoding.UTF8.GetBytes($"not an image {n}"),
                _ => TestData.CorruptPng(),
            };
            File.WriteAllBytes(path, bytes);
            paths.Add(path);
        }

        return paths;
    }

    private static Mat Variant(Mat photo, Random random)
    {
        // A crop of 40–100% of each side at a random place, then a flip or rotation, then a rescale: distinct pixels.
        var w = (int)(photo.Width * (0.4 + 0.6 * random.NextDouble()));
        var h = (int)(photo.Height * (0.4 + 0.6 * random.NextDouble()));
        var x = random.Next(photo.Width - w + 1);
        var y = random.Next(photo.Height - h + 1);
        using var crop = new Mat(photo, new Rect(x, y, w, h));
        var turned = new Mat();
        switch (random.Next(4))
        {
            case 0: Cv2.Flip(crop, turned, FlipMode.Y); break;
            case 1: Cv2.Flip(crop, turned, FlipMode.X); break;
            case 2: Cv2.Rotate(crop, turned, RotateFlags.Rotate90Clockwise); break;
            default: crop.CopyTo(turned); break;
        }

        var scale = 0.5 + random.NextDouble();
        var size = new Size(Math.Max(32, (int)(turned.Width * scale)), Math.Max(32, (int)(turned.Height * scale)));
        var result = new Mat();
        Cv2.Resize(turned, result, size, interpolation: InterpolationFlags.Area);
        turned.Dispose();
        return result;
    }
}
