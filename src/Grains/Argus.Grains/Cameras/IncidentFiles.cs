using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Argus.Cameras;
using Argus.Grains.Jobs;
using Argus.Inference.Imaging;
using Argus.Inference.Storage;

namespace Argus.Grains.Cameras;

/// <summary>
/// The files of an incident under <c>{first output root}/incidents/{camera}/{alert}/</c>: each frame as the camera
/// received it (<c>frame-0001.jpg</c>, …) and <c>summary.json</c>, written last; each file is written whole or not at all
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

    /// <summary>The file name of the incident's frame <paramref name="index"/> (from 1), by its encoded format.</summary>
    public static string FrameFile(int index, byte[] image) => string.Create(CultureInfo.InvariantCulture,
        $"frame-{index:D4}.{ImageHeader.Read(image).Format switch { ImageFormat.Jpeg => "jpg", var other => other.ToString().ToLowerInvariant() }}");

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

    /// <summary>Writes the frames, then the summary that lists them.</summary>
    /// <exception cref="Errors.BadInputException">The folder leaves the output roots.</exception>
    internal static void Write(StorageOptions storage, IncidentSummary summary, IReadOnlyList<Frame> frames)
    {
        var folder = Folder(storage, summary.Camera, summary.Alert);
        for (var i = 0; i < frames.Count; i++)
        {
            JobFiles.WriteAtomically(storage, Path.Combine(folder, summary.Frames[i].File), frames[i].Image);
        }

        JobFiles.WriteAtomically(storage, Path.Combine(folder, SummaryFile), JsonSerializer.SerializeToUtf8Bytes(summary, Json));
    }

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
