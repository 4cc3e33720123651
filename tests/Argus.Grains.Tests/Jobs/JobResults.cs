using System.Text.Json;
using Argus.Devices;
using Argus.Grains.Jobs;

namespace Argus.Grains.Tests.Jobs;

/// <summary>Job results of every task for the tests of part files, and a way to compare them by value.</summary>
internal static class JobResults
{
    /// <summary>An embedding, a classification, a detection with a polygon and one with none, of shard <paramref name="shard"/>.</summary>
    public static IReadOnlyList<JobResult> OfEveryTask(int shard)
    {
        // Whole microseconds: a Parquet timestamp holds no finer time.
        var started = new DateTime(2026, 12, 6, 12, 30, 15, 123, 456, DateTimeKind.Utc);
        JobResult Result(string item, string model, JobResultBody body) =>
            new(item, model, "1", shard, started, 41.5, 3.25, 20.125, 8, body);
        return
        [
            Result("/in/a.jpg", "resnet18", new JobResultBody([0.25f, -0.5f, 1e-7f], null, null)),
            Result("/in/b.png", "moderation-fast", new JobResultBody(null, [new ClassScore(2, "Neutral", 0.875f), new ClassScore(0, "Drawing", 0.1f)], null)),
            Result("/in/v.avi#t=2.500", "text-detection", new JobResultBody(null, null,
                [new Detection(0.9f, 10, 20, 30, 40, [new ImagePoint(10, 20), new ImagePoint(40, 20), new ImagePoint(40, 60), new ImagePoint(10, 60)])])),
            Result("/in/blank.jpg", "text-detection", new JobResultBody(null, null, [])),
        ];
    }

    /// <summary>The results as JSON lines: records holding lists compare by reference, their JSON by value.</summary>
    public static IReadOnlyList<string> Json(IEnumerable<JobResult> results) => [.. results.Select(r => JsonSerializer.Serialize(r, JobFiles.Json))];
}
