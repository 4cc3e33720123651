using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Argus.Cameras;
using Argus.Grains.Jobs;
using Argus.Inference.Imaging;
using Argus.Inference.Storage;

namespace Argus.Grains.Cameras;

/// <summary>
/// The files of an incident under <c>{first output root}/incidents/{camera}/{alert}/</c>: each frame of its window as the
/// camera received it, named by its capture time (<c>frame-20260501T120000.2500000Z.jpg</c>), written as it comes in (so
/// the frames outlive the camera's silo), and <c>summary.json</c>, written last; each file is written whole or not at all
/// (<see cref="JobFiles.WriteAtomically(StorageOptions, string, ReadOnlyMemory{byte})"/>), so a summary that is there is
/// complete, and one that is not is still pending. Silos share their files, so any silo can serve them.
/// </summary>
public static class IncidentFiles
{
    /// <summary>The summary's file name.</summary>
    public const string SummaryFile = "summary.json";

    /// <summary>The JSON of <c>summary.json</c>: the API's (snake_case, enums as snake_case strings), without nulls.</summary>
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The folder of alert <paramref name="alert"/>'s incident on <paramref name="camera"/>.</summary>
    public static string Folder(StorageOptions storage, string camera, long alert) =>
        Path.Combine(CameraFolder(storage, camera), alert.ToString(CultureInfo.InvariantCulture));

    private static string CameraFolder(StorageOptions storage, string camera) => Path.Combine(storage.Outputs[0], "incidents", camera);

    /// <summary>The file name of a frame: its capture time, which orders the names, and its encoded format.</summary>
    public static string FrameFile(Frame frame) => string.Create(CultureInfo.InvariantCulture,
        $"frame-{frame.CapturedAt.ToString(FrameTime, CultureInfo.InvariantCulture)}.{ImageHeader.Read(frame.Image).Format switch { ImageFormat.Jpeg => "jpg", var other => other.ToString().ToLowerInvariant() }}");

    private const string FrameTime = "yyyyMMdd'T'HHmmss'.'fffffff'Z'";

    /// <summary>The media type of a frame file, by its extension; null for a name no frame file has.</summary>
    public static string? MediaType(string file) =>
        !file.StartsWith("frame-", StringComparison.Ordinal) || file.Contains('/') ? null : Path.GetExtension(file) switch
        {
            ".jpg" => "image/jpeg",
            ".png" => "image/png",
            ".bmp" => "image/bmp",
            ".webp" => "image/webp",
            _ => null,
        };

    /// <summary>Writes <paramref name="frames"/> of alert <paramref name="alert"/>'s incident, each unless it is there.</summary>
    /// <exception cref="Errors.BadInputException">The folder leaves the output roots.</exception>
    internal static void WriteFrames(StorageOptions storage, string camera, long alert, IEnumerable<Frame> frames)
    {
        var folder = Folder(storage, camera, alert);
        foreach (var frame in frames)
        {
            var path = Path.Combine(folder, FrameFile(frame));
            if (!File.Exists(path))
            {
                JobFiles.WriteAtomically(storage, path, frame.Image);
            }
        }
    }

    /// <summary>The frames written for an incident and captured from <paramref name="from"/> to <paramref name="to"/>, oldest first.</summary>
    internal static IReadOnlyList<Frame> ReadFrames(StorageOptions storage, string camera, long alert, DateTime from, DateTime to)
    {
        var folder = JobStorage.Output(Folder(storage, camera, alert), storage);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        List<Frame> frames = [];
        foreach (var path in Directory.EnumerateFiles(folder, "frame-*").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(path)["frame-".Length..];
            if (DateTime.TryParseExact(name, FrameTime, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
                && at >= from && at <= to)
            {
                frames.Add(new Frame(ConfinedFile.ReadAllBytes(path), at));
            }
        }

        return frames;
    }

    /// <summary>Writes the summary: the incident is ready.</summary>
    /// <exception cref="Errors.BadInputException">The folder leaves the output roots.</exception>
    internal static void WriteSummary(StorageOptions storage, IncidentSummary summary) => JobFiles.WriteAtomically(
        storage, Path.Combine(Folder(storage, summary.Camera, summary.Alert), SummaryFile), JsonSerializer.SerializeToUtf8Bytes(summary, Json));

    /// <summary>The summary, or null while it is not written.</summary>
    internal static IncidentSummary? ReadSummary(StorageOptions storage, string camera, long alert) =>
        Read(storage, camera, alert, SummaryFile) is { } json ? JsonSerializer.Deserialize<IncidentSummary>(json, Json) : null;

    /// <summary>
    /// The bytes of file <paramref name="file"/> of an incident (a plain name), read without following a link, or null
    /// when it is not there.
    /// </summary>
    public static byte[]? Read(StorageOptions storage, string camera, long alert, string file)
    {
        var path = Path.Combine(JobStorage.Output(Folder(storage, camera, alert), storage), file);
        return File.Exists(path) ? ConfinedFile.ReadAllBytes(path) : null;
    }

    /// <summary>Deletes every incident of <paramref name="camera"/> (it was removed).</summary>
    /// <exception cref="Errors.BadInputException">The folder leaves the output roots.</exception>
    internal static void Delete(StorageOptions storage, string camera)
    {
        var folder = JobStorage.Output(CameraFolder(storage, camera), storage);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
