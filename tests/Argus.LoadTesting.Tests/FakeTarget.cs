using Argus.Devices;
using Argus.LoadTesting.Targets;

namespace Argus.LoadTesting.Tests;

/// <summary>A target that answers as told, a millisecond or so after each request, and counts how many requests it holds at once.</summary>
internal sealed class FakeTarget(Func<IReadOnlyList<byte[]>, Task<TargetAnswer>> answer, bool runsInProcess = false, string kind = "cpu") : ILoadTarget
{
    private int _inFlight;
    private int _maxInFlight;
    private int _maxImages;
    private int _calls;

    public const string Device = "fake-0/dev0";

    public string Description => "fake, target";

    public bool RunsInProcess => runsInProcess;

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public int MaxImagesPerRequest => Volatile.Read(ref _maxImages);

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Every image answered at once, by <see cref="Device"/>, from a batch of <paramref name="batchSize"/>.</summary>
    public static FakeTarget Answering(int batchSize = 1, bool runsInProcess = false, string kind = "cpu") =>
        new(images => Task.FromResult(Ok(images.Count, batchSize)), runsInProcess, kind);

    public static TargetAnswer Ok(int images, int batchSize = 1) =>
        new(Device, [.. Enumerable.Repeat(new ItemResult { Embedding = [1f], QueueMs = 2, ComputeMs = 10, BatchSize = batchSize }, images)]);

    public async Task<TargetAnswer> SendAsync(IReadOnlyList<byte[]> images, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        var now = Interlocked.Increment(ref _inFlight);
        Max(ref _maxInFlight, now);
        Max(ref _maxImages, images.Count);
        try
        {
            await Task.Delay(1, CancellationToken.None); // a device answers some time later, never at once
            return await answer(images);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public Task<IReadOnlyList<DeviceInfo>> GetDevicesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeviceInfo>>([new DeviceInfo(Device, kind, "FakeProvider")]);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static void Max(ref int field, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref field)) && Interlocked.CompareExchange(ref field, value, seen) != seen)
        {
        }
    }
}

/// <summary>A folder of two tiny stand-in "photos": the load loops never decode them.</summary>
internal static class FakeImages
{
    public static ImageSet Create()
    {
        var dir = Directory.CreateTempSubdirectory("argus-load-");
        File.WriteAllBytes(Path.Combine(dir.FullName, "a.jpg"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(dir.FullName, "b.jpg"), [4, 5, 6]);
        var images = ImageSet.Load(dir.FullName);
        dir.Delete(recursive: true);
        return images;
    }
}
