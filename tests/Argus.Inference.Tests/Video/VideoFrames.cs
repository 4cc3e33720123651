using Argus.Inference.Video;

namespace Argus.Inference.Tests.Video;

/// <summary>Stepping through a video source's frames in tests.</summary>
internal static class VideoFrames
{
    /// <summary>The next frame; fails when the enumeration ends or none comes within <paramref name="timeout"/>.</summary>
    public static async Task<VideoFrame> NextAsync(this IAsyncEnumerator<VideoFrame> frames, TimeSpan timeout)
    {
        Assert.True(await frames.MoveNextAsync().AsTask().WaitAsync(timeout), "The video source ended.");
        return frames.Current;
    }
}
