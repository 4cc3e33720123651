using System.Net;
using System.Text.RegularExpressions;

namespace Argus.Storage;

/// <summary>Where a <see cref="StoreLocation"/> lies.</summary>
public enum StoreKind
{
    /// <summary>A path on the silos' file system (one machine, or a shared file system).</summary>
    Local,

    /// <summary>An S3 bucket (AWS or any S3-compatible server).</summary>
    S3,

    /// <summary>An Azure Blob Storage container.</summary>
    Azure,
}

/// <summary>
/// A place a batch job reads its items from or writes its files to: an absolute local path, <c>s3://bucket/prefix</c>,
/// <c>az://container/prefix</c> (the configured Azure account), or a blob URL
/// (<c>https://account.blob.core.windows.net/container/prefix</c>, or the path-style form of an emulator on an IP
/// address or <c>localhost</c>: <c>http://127.0.0.1:10000/account/container/prefix</c>). A location never carries
/// credentials: a URL with a user, a query (a SAS token) or a fragment is refused, so what a job's status shows is safe
/// to show. Credentials come from the silos' configuration or environment.
/// </summary>
/// <param name="Kind">Local, S3 or Azure.</param>
/// <param name="Container">The bucket or container; empty for a local path.</param>
/// <param name="Path">A local path, or the key prefix inside the container (no leading or trailing '/'; may be empty).</param>
/// <param name="Account">The Azure account a blob URL names; null for <c>az://</c> (the configured account) and the others.</param>
/// <param name="Endpoint">
/// A blob URL's service endpoint as written (<c>https://account.blob.core.windows.net</c>, or the emulator's
/// <c>http://127.0.0.1:10000/account</c>); null otherwise.
/// </param>
public sealed partial record StoreLocation(StoreKind Kind, string Container, string Path, string? Account = null, string? Endpoint = null)
{
    private const int MaxKeyLength = 1024;

    /// <summary>The location <paramref name="name"/> (one or more '/'-separated segments) below this one.</summary>
    public StoreLocation Child(string name) => Kind == StoreKind.Local
        ? this with { Path = System.IO.Path.Combine(Path, name) }
        : this with { Path = Path.Length == 0 ? name : $"{Path}/{name}" };

    /// <summary>As written in a spec: the local path, <c>s3://…</c>, <c>az://…</c>, or the blob URL.</summary>
    public override string ToString() => Kind switch
    {
        StoreKind.Local => Path,
        StoreKind.S3 => $"s3://{Container}/{Path}".TrimEnd('/'),
        _ when Endpoint is not null => $"{Endpoint}/{Container}/{string.Join('/', Path.Split('/').Select(Uri.EscapeDataString))}".TrimEnd('/'),
        _ => $"az://{Container}/{Path}".TrimEnd('/'),
    };

    /// <summary>Parses <paramref name="text"/>; <paramref name="what"/> (<c>input</c>, <c>output</c>) names it in a problem.</summary>
    /// <returns>The location, or null with <paramref name="problem"/> saying what is wrong in one line.</returns>
    public static StoreLocation? Parse(string? text, string what, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = $"{what} is required.";
            return null;
        }

        var location = text.StartsWith("s3://", StringComparison.Ordinal) ? ObjectPath(StoreKind.S3, text["s3://".Length..], what, ref problem)
            : text.StartsWith("az://", StringComparison.Ordinal) ? ObjectPath(StoreKind.Azure, text["az://".Length..], what, ref problem)
            : text.StartsWith("https://", StringComparison.Ordinal) || text.StartsWith("http://", StringComparison.Ordinal) ? BlobUrl(text, what, ref problem)
            : text.Contains("://", StringComparison.Ordinal) ? Refuse(ref problem, $"{what} '{Shown(text)}' has a scheme Argus does not read: use an absolute path, s3://bucket/prefix, az://container/prefix or a blob URL.")
            : System.IO.Path.IsPathFullyQualified(text) ? new StoreLocation(StoreKind.Local, "", text)
            : Refuse(ref problem, $"{what} '{Shown(text)}' must be an absolute path (silos resolve paths on their own machines), or an object store's s3://, az:// or blob URL.");
        return problem is null ? location : null;
    }

    /// <summary>Parses a location a spec or a lease holds, which was checked when it was submitted.</summary>
    /// <exception cref="FormatException">It is not a location.</exception>
    public static StoreLocation Parse(string text) => Parse(text, "location", out var problem) ?? throw new FormatException(problem);

    private static StoreLocation? ObjectPath(StoreKind kind, string rest, string what, ref string? problem)
    {
        var slash = rest.IndexOf('/');
        var container = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..];
        if (ContainerProblem(kind, container, what) is { } bad)
        {
            return Refuse(ref problem, bad);
        }

        return PrefixProblem(prefix, what) is { } badPrefix ? Refuse(ref problem, badPrefix) : new StoreLocation(kind, container, prefix.TrimEnd('/'));
    }

    private static StoreLocation? BlobUrl(string text, string what, ref string? problem)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.IsFile)
        {
            return Refuse(ref problem, $"{what} '{Shown(text)}' is not a URL.");
        }

        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0 || text.Contains('?') || text.Contains('#'))
        {
            // Never echo it: the user part or the query may be a credential.
            return Refuse(ref problem, $"{what} is a blob URL with a user, a query or a fragment: a location carries no credentials (the silos' configuration holds the account's connection string).");
        }

        // The emulator's (and any IP address's) path-style form puts the account first in the path, as Azure's SDK reads it.
        var pathStyle = uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase);
        var segments = uri.AbsolutePath.Trim('/');
        string account, rest, endpoint;
        var authority = uri.GetLeftPart(UriPartial.Authority);
        if (pathStyle)
        {
            var slash = segments.IndexOf('/');
            account = slash < 0 ? segments : segments[..slash];
            rest = slash < 0 ? "" : segments[(slash + 1)..];
            endpoint = $"{authority}/{account}";
        }
        else
        {
            account = uri.Host.Split('.')[0];
            rest = segments;
            endpoint = authority;
        }

        if (!AccountName().IsMatch(account))
        {
            return Refuse(ref problem, $"{what} '{Shown(text)}' names no storage account (3 to 24 lowercase letters and digits).");
        }

        // A decoded path: '%2F' and friends would make the key differ from what a listing shows.
        var location = ObjectPath(StoreKind.Azure, Uri.UnescapeDataString(rest), what, ref problem);
        return location is null ? null : location with { Account = account, Endpoint = endpoint };
    }

    private static string? ContainerProblem(StoreKind kind, string name, string what) => kind switch
    {
        StoreKind.S3 when !BucketName().IsMatch(name) || name.Contains("..", StringComparison.Ordinal) || IPAddress.TryParse(name, out _) =>
            $"{what} names bucket '{Shown(name)}': a bucket is 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit.",
        StoreKind.Azure when !ContainerName().IsMatch(name) || name.Contains("--", StringComparison.Ordinal) =>
            $"{what} names container '{Shown(name)}': a container is 3 to 63 lowercase letters, digits and single '-', starting and ending with a letter or digit.",
        _ => null,
    };

    private static string? PrefixProblem(string prefix, string what)
    {
        if (prefix.Length > MaxKeyLength)
        {
            return $"{what}'s key prefix is longer than {MaxKeyLength} characters.";
        }

        if (prefix.Any(char.IsControl) || prefix.Contains('\\'))
        {
            return $"{what}'s key prefix has a control character or a '\\'.";
        }

        var segments = prefix.TrimEnd('/').Split('/');
        return prefix.Length > 0 && segments.Any(s => s is "" or "." or "..")
            ? $"{what}'s key prefix '{Shown(prefix)}' has an empty, '.' or '..' segment: name keys as a listing shows them."
            : null;
    }

    private static StoreLocation? Refuse(ref string? problem, string why)
    {
        problem = why;
        return null;
    }

    /// <summary>
    /// A name as a problem may quote it: at most 200 characters, without control characters; not at all when it has a
    /// '?', '#' or '@', where a credential may be.
    /// </summary>
    private static string Shown(string text)
    {
        if (text.AsSpan().IndexOfAny("?#@") >= 0)
        {
            return "(not quoted: it may hold a credential)";
        }

        var clean = new string([.. text.Take(200).Select(c => char.IsControl(c) ? '?' : c)]);
        return text.Length > 200 ? clean + "…" : clean;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerName();

    [GeneratedRegex("^[a-z0-9]{3,24}$")]
    private static partial Regex AccountName();
}
