using System.Buffers.Binary;
using OpenCvSharp;

namespace Argus.Testing;

/// <summary>Real photos from Debian's opencv-doc package (installed by scripts/test.sh) and the repository's paths.</summary>
public static class TestData
{
    /// <summary>The folder of real photos; ARGUS_TEST_IMAGES overrides it.</summary>
    public static string ImagesDir { get; } =
        Environment.GetEnvironmentVariable("ARGUS_TEST_IMAGES") ?? "/usr/share/doc/opencv-doc/examples/data";

    /// <summary>The repository root (the folder holding Cluster.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The configuration this build of the tests (and so of the projects they reference) was made in.</summary>
    public const string Configuration =
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>The bytes of a photo in <see cref="ImagesDir"/>.</summary>
    public static byte[] Image(string name)
    {
        var path = Path.Combine(ImagesDir, name);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Test image {path} is missing: run scripts/test.sh, which installs Debian's opencv-doc.", path);
        }

        return File.ReadAllBytes(path);
    }

    /// <summary>A PNG header that declares 50000×50000 pixels followed by a few bytes: a decompression bomb's shape.</summary>
    public static byte[] DecompressionBomb()
    {
        byte[] png =
        [
            0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, // signature
            0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R',
            0, 0, 0xC3, 0x50, 0, 0, 0xC3, 0x50, // 50000 × 50000
            8, 2, 0, 0, 0, 0, 0, 0, 0, // depth, colour, ..., CRC
            0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82,
        ];
        return png;
    }

    /// <summary>
    /// A real PNG whose chunks are intact (lengths, types, IEND) and whose pixel data (every IDAT chunk's) is zeros:
    /// only decoding finds out.
    /// </summary>
    public static byte[] CorruptPng()
    {
        var png = Image("imageTextN.png");
        for (var pos = 8; pos + 12 <= png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos));
            if (png.AsSpan(pos + 4, 4).SequenceEqual("IDAT"u8))
            {
                Array.Clear(png, pos + 8, length);
            }

            pos += 12 + length;
        }

        return png;
    }

    /// <summary>
    /// A BMP header (a 40-byte info header) declaring <paramref name="width"/>×<paramref name="height"/> and
    /// <paramref name="fileSize"/> bytes, and no pixels: e.g. a height of -2³¹, whose magnitude is no int.
    /// </summary>
    public static byte[] Bmp(int width, int height, uint fileSize = 54)
    {
        var bmp = new byte[54];
        "BM"u8.CopyTo(bmp);
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(2), fileSize);
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        return bmp;
    }

    /// <summary>
    /// The first line of printed text of imageTextN.png, with a few rows around it: what the text-direction classifier
    /// reads (a whole page, squeezed into its 192×48 input, it cannot tell upright from upside down).
    /// </summary>
    public static Mat TextLine()
    {
        using var page = Cv2.ImDecode(Image("imageTextN.png"), ImreadModes.Color);
        using var gray = page.CvtColor(ColorConversionCodes.BGR2GRAY);
        var rows = Enumerable.Range(0, gray.Rows).Select(y => Cv2.Mean(gray.Row(y)).Val0 < 250).ToArray();
        var top = Array.IndexOf(rows, true);
        var bottom = top;
        while (bottom < rows.Length && rows[bottom])
        {
            bottom++;
        }

        if (top < 0 || bottom - top < 8)
        {
            throw new InvalidOperationException("imageTextN.png should start with a line of text.");
        }

        var margin = Math.Min(4, top);
        return page[new Rect(0, top - margin, page.Cols, Math.Min(page.Rows - top + margin, bottom - top + (2 * margin)))].Clone();
    }

    /// <summary>The first <paramref name="bytes"/> bytes of a real JPEG.</summary>
    public static byte[] TruncatedJpeg(int bytes = 4000) => Image("apple.jpg")[..bytes];

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cluster.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Cluster.sln above {AppContext.BaseDirectory}.");
    }
}
