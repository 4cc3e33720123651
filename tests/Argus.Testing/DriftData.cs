using OpenCvSharp;

namespace Argus.Testing;

/// <summary>
/// The drift checks' proof data: the real photos among opencv-doc's images (no logos, drawings, synthetic shapes,
/// masks or blurred renderings) split in two interleaved halves, so near pairs (aloeL and aloeR, left01 and left02) fall
/// on either side, and evenly spaced frames of vtest.avi, a fixed camera over a pedestrian street.
/// </summary>
public static class DriftData
{
    /// <summary>The photos, in name order.</summary>
    public static IReadOnlyList<string> Photos { get; } =
    [
        "aero1.jpg", "aero3.jpg", "aloeL.jpg", "aloeR.jpg", "apple.jpg", "baboon.jpg", "basketball1.png", "basketball2.png",
        "board.jpg", "box.png", "box_in_scene.png", "building.jpg", "butterfly.jpg", "chicky_512.png", "ela_modified.jpg",
        "ela_original.jpg", "fruits.jpg", "graf1.png", "graf3.png", "home.jpg", "left.jpg", "left01.jpg", "left02.jpg",
        "left03.jpg", "left04.jpg", "left05.jpg", "left06.jpg", "left07.jpg", "left08.jpg", "left09.jpg", "left11.jpg",
        "left12.jpg", "left13.jpg", "left14.jpg", "leuvenA.jpg", "leuvenB.jpg", "messi5.jpg", "orange.jpg", "right.jpg",
        "right01.jpg", "right02.jpg", "right03.jpg", "right04.jpg", "right05.jpg", "right06.jpg", "right07.jpg", "right08.jpg",
        "right09.jpg", "right11.jpg", "right12.jpg", "right13.jpg", "right14.jpg", "rubberwhale1.png", "rubberwhale2.png",
        "smarties.png", "squirrel_cls.jpg", "stuff.jpg", "sudoku.png",
    ];

    /// <summary>The photos at even positions: the reference.</summary>
    public static IReadOnlyList<string> HalfA { get; } = [.. Photos.Where((_, i) => i % 2 == 0)];

    /// <summary>The photos at odd positions: the held-out split.</summary>
    public static IReadOnlyList<string> HalfB { get; } = [.. Photos.Where((_, i) => i % 2 == 1)];

    /// <summary>The path of vtest.avi.</summary>
    public static string Video { get; } = Path.Combine(TestData.ImagesDir, "vtest.avi");

    /// <summary><paramref name="count"/> frames of vtest.avi spread evenly over it, as JPEG (the frame count is read, not trusted).</summary>
    public static IReadOnlyList<byte[]> VideoFrames(int count)
    {
        var total = 0;
        using (var counting = Open())
        using (var frame = new Mat())
        {
            while (counting.Read(frame) && !frame.Empty())
            {
                total++;
            }
        }

        var wanted = Enumerable.Range(0, count).Select(i => (long)i * total / count).ToHashSet();
        var jpegs = new List<byte[]>(count);
        using var capture = Open();
        using var image = new Mat();
        for (var index = 0L; jpegs.Count < count && capture.Read(image) && !image.Empty(); index++)
        {
            if (wanted.Contains(index))
            {
                Cv2.ImEncode(".jpg", image, out var jpeg);
                jpegs.Add(jpeg);
            }
        }

        return jpegs;
    }

    private static VideoCapture Open()
    {
        var capture = new VideoCapture(Video, VideoCaptureAPIs.FFMPEG);
        if (capture.IsOpened())
        {
            return capture;
        }

        capture.Dispose();
        throw new FileNotFoundException($"{Video} does not open: run scripts/test.sh, which installs Debian's opencv-doc.", Video);
    }
}
