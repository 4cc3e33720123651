using System.Diagnostics;
using Argus.Testing;
using OpenCvSharp;

namespace Argus.Inference.Tests.Video;

/// <summary>Debian opencv-doc's vtest.avi, a real pedestrian scene, as the video the reader tests read.</summary>
internal static class Vtest
{
    public static string Path { get; } = System.IO.Path.Combine(TestData.ImagesDir, "vtest.avi");

    /// <summary>The video as a plain VideoCapture loop sees it: frames until Read gives an empty Mat (FrameCount is not trusted).</summary>
    public static (int Frames, Size Size, double Fps, TimeSpan ReadTime) PlainRead()
    {
        using var capture = new VideoCapture(Path, VideoCaptureAPIs.FFMPEG);
        Assert.True(capture.IsOpened(), $"{Path} does not open: run scripts/install-deps.sh --test-data, which installs Debian's opencv-doc.");
        using var frame = new Mat();
        var size = default(Size);
        var frames = 0;
        var watch = Stopwatch.StartNew();
        while (capture.Read(frame) && !frame.Empty())
        {
            size = frame.Size();
            frames++;
        }

        return (frames, size, capture.Fps, watch.Elapsed);
    }
}
