namespace Argus.Inference.Video;

/// <summary>A checked video source: what OpenCV opens, whether it is a network stream, and how logs and errors name it.</summary>
/// <param name="Location">The path or URL handed to OpenCV.</param>
/// <param name="IsNetwork">A stream that reconnects, rather than a file that ends.</param>
/// <param name="DisplayName">The path, or the URL without credentials and query (cameras carry passwords in both).</param>
internal sealed record VideoSource(string Location, bool IsNetwork, string DisplayName)
{
    private const string Expected = "a file path, a file:// URL, or an rtsp://, rtsps://, http:// or https:// URL";

    private static readonly string[] NetworkSchemes = ["rtsp", "rtsps", "http", "https"];

    /// <summary>Checks <paramref name="source"/> without opening it.</summary>
    /// <exception cref="ArgumentException">Empty, not a URL, an unknown scheme, or a file that does not exist.</exception>
    public static VideoSource Parse(string source)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            throw new ArgumentException($"The video source is empty: expected {Expected}.", nameof(source));
        }

        // A plain path has no scheme; Uri would also read an absolute Unix path as a file URL, but not a relative one.
        if (!source.Contains("://", StringComparison.Ordinal))
        {
            return FromFile(source);
        }

        if (!Uri.TryCreate(source, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"The video source is not a valid URL: expected {Expected}.", nameof(source));
        }

        if (uri.IsFile)
        {
            return FromFile(uri.LocalPath);
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

    private static VideoSource FromFile(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new ArgumentException($"The video file '{fullPath}' does not exist.", "source");
        }

        return new VideoSource(fullPath, IsNetwork: false, fullPath);
    }
}
