using System.Text.RegularExpressions;
using Argus.Inference.Storage;

namespace Argus.Inference.Video;

/// <summary>A checked video source: what is opened, whether it is a network stream, and how logs and errors name it.</summary>
/// <param name="Location">The path handed to OpenCV, or the URL handed to ffmpeg.</param>
/// <param name="IsNetwork">A stream that reconnects, rather than a file that ends.</param>
/// <param name="DisplayName">The path, or the URL without credentials and query (cameras carry passwords in both).</param>
internal sealed partial record VideoSource(string Location, bool IsNetwork, string DisplayName)
{
    private const string Expected = "a file path, a file:// URL, or an rtsp://, rtsps://, http:// or https:// URL";

    private static readonly string[] NetworkSchemes = ["rtsp", "rtsps", "http", "https"];

    /// <summary>Checks <paramref name="source"/> without opening it.</summary>
    /// <param name="source">The source as given.</param>
    /// <param name="storage">The roots a file must lie in (<see cref="StorageOptions.Cameras"/>); null: any file.</param>
    /// <exception cref="ArgumentException">
    /// Empty, not a URL, an unknown scheme, or a file that does not exist or lies outside the camera roots.
    /// </exception>
    public static VideoSource Parse(string source, StorageOptions? storage)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            throw new ArgumentException($"The video source is empty: expected {Expected}.", nameof(source));
        }

        // A plain path has no scheme; Uri would also read an absolute Unix path as a file URL, but not a relative one.
        if (!source.Contains("://", StringComparison.Ordinal))
        {
            // FFmpeg, under OpenCV too, reads a leading "name:" or "name,…:" as a protocol (concat:, subfile,,…:, data:),
            // which would open what the name hides.
            return ProtocolPrefix().Match(source) is { Success: true } prefix
                ? throw new ArgumentException($"The video source's scheme '{prefix.Groups[1].Value}' is not supported: expected {Expected}.", nameof(source))
                : FromFile(source, storage);
        }

        if (!Uri.TryCreate(source, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"The video source is not a valid URL: expected {Expected}.", nameof(source));
        }

        if (uri.IsFile)
        {
            return FromFile(uri.LocalPath, storage);
        }

        if (!NetworkSchemes.Contains(uri.Scheme))
        {
            throw new ArgumentException($"The video source's scheme '{uri.Scheme}' is not supported: expected {Expected}.", nameof(source));
        }

        if (uri.Host.Length == 0)
        {
            throw new ArgumentException($"The video source {uri.Scheme}:// URL names no host.", nameof(source));
        }

        return new VideoSource(source, IsNetwork: true, uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped));
    }

    /// <summary>
    /// <paramref name="text"/> (ffmpeg's error output, which quotes the URL it was given) with this network source's URL
    /// shown as <see cref="DisplayName"/>, and its credentials and query taken out wherever else a URL carries them.
    /// </summary>
    public string Redact(string text)
    {
        var uri = new Uri(Location);
        text = text.Replace(Location, DisplayName, StringComparison.Ordinal);
        if (uri.UserInfo.Length > 0)
        {
            text = text.Replace(uri.UserInfo + "@", "", StringComparison.Ordinal);
        }

        return uri.Query.Length > 1 ? text.Replace(uri.Query, "", StringComparison.Ordinal) : text;
    }

    private static VideoSource FromFile(string path, StorageOptions? storage)
    {
        var fullPath = Path.GetFullPath(path);
        if (storage is null)
        {
            return File.Exists(fullPath)
                ? new VideoSource(fullPath, IsNetwork: false, fullPath)
                : throw new ArgumentException($"The video file '{fullPath}' does not exist.", "source");
        }

        try
        {
            // Relative to the current folder, as without roots; joined, not normalised, so a '..' is still seen.
            var joined = Path.IsPathRooted(path) ? path : Path.Join(Directory.GetCurrentDirectory(), path);
            return new VideoSource(storage.Camera(joined), IsNetwork: false, fullPath);
        }
        catch (PathRefusedException e)
        {
            throw new ArgumentException(e.Message, "source");
        }
    }

    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.-]*)(:|,.*:)")]
    private static partial Regex ProtocolPrefix();
}
