using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Argus.Silo.Http;

/// <summary>
/// Reads the files of a <c>multipart/form-data</c> body already held in memory (its size was checked when it was read):
/// a section with a file name is an image, a section without one is a form field and ignored. A body that does not
/// follow its own Content-Type (no boundary, another boundary, cut before its closing boundary, a section header
/// that does not parse) is the caller's mistake, said in <see cref="Result.Error"/>; nothing else is thrown.
/// </summary>
internal static class MultipartImages
{
    /// <summary>The most sections one body may hold: as many as ASP.NET's own form reader allows.</summary>
    public const int MaxSections = 1024;

    /// <summary>RFC 2046: a boundary is 1 to 70 characters.</summary>
    private const int MaxBoundaryLength = 70;

    /// <summary>The images in the order they came, each with its file name; or why the body cannot be read.</summary>
    internal sealed record Result(IReadOnlyList<(string? Name, byte[] Data)> Images, string? Error)
    {
        public static Result Refused(string error) => new([], error);
    }

    /// <summary>Reads <paramref name="body"/> as the multipart body its <paramref name="contentType"/> declares.</summary>
    public static async Task<Result> ReadAsync(byte[] body, string? contentType, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var type))
        {
            return Result.Refused($"The Content-Type '{contentType}' does not parse as a media type with parameters.");
        }

        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > MaxBoundaryLength)
        {
            return Result.Refused(
                $"multipart/form-data needs a boundary parameter of 1 to {MaxBoundaryLength} characters, e.g. 'multipart/form-data; boundary=x7'.");
        }

        var reader = new MultipartReader(boundary, new MemoryStream(body, writable: false));
        List<(string?, byte[])> images = [];
        try
        {
            var sections = 0;
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (++sections > MaxSections)
                {
                    return Result.Refused($"The multipart body holds more than {MaxSections} sections.");
                }

                // Read first: a body that ends without its closing boundary ends inside its last section.
                using var data = new MemoryStream();
                await section.Body.CopyToAsync(data, cancellationToken);
                if (!TryReadFileName(section.ContentDisposition, out var name))
                {
                    return Result.Refused($"Section {sections} has no Content-Disposition that parses (is '{section.ContentDisposition}').");
                }

                if (name is not null)
                {
                    images.Add((name, data.ToArray()));
                }
            }
        }
        catch (IOException e)
        {
            // MultipartReader's words for a body that ends before its closing boundary (or never names the declared one).
            return Result.Refused($"The multipart body ends before its closing boundary '--{boundary}--': {e.Message}");
        }
        catch (InvalidDataException e)
        {
            // A section's headers over MultipartReader's limits (count, line length) or not 'name: value'.
            return Result.Refused($"The multipart body cannot be read: {e.Message}");
        }

        return images.Count == 0 ? Result.Refused("The multipart body holds no file.") : new Result(images, null);
    }

    /// <summary>The section's file name (<c>filename*</c> before <c>filename</c>), null for a form field; false when the header does not parse.</summary>
    private static bool TryReadFileName(string? contentDisposition, out string? name)
    {
        name = null;
        if (!ContentDispositionHeaderValue.TryParse(contentDisposition, out var disposition))
        {
            return false;
        }

        try
        {
            var value = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName);
            name = value.HasValue ? value.Value : null;
            return true;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            // The parser takes a parameter it then cannot decode: 'filename*' without a value (ArgumentException), or in
            // a charset .NET refuses to decode, UTF-7 (NotSupportedException; found by fuzzing).
            return false;
        }
    }
}
