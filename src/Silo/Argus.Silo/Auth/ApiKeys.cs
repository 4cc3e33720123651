using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Argus.Silo.Auth;

/// <summary>
/// The keys the silo accepts, held as SHA-256 digests and compared in constant time: a presented key is hashed and compared
/// with every held digest without stopping early, so neither its content nor its length shows in the time taken. The
/// configured keys are fixed; the keys file's are replaced whole when it changes (<see cref="KeysFileWatcher"/>).
/// </summary>
internal sealed class ApiKeys
{
    /// <summary>The cookie <c>POST /login</c> sets for browsers.</summary>
    public const string Cookie = "argus_api_key";

    /// <summary>The header API clients send the key in (or <c>Authorization: Bearer</c>).</summary>
    public const string Header = "X-Api-Key";

    // Swapped whole, never changed in place: a request sees either the old keys or the new.
    private volatile HeldKey[] _keys;

    public ApiKeys(IOptions<ArgusAuthOptions> options)
    {
        var entries = KeyEntries.Configured(options.Value);
        if (options.Value.KeysFile is { Length: > 0 } path && KeyEntries.ReadFile(path, out _) is { } content)
        {
            entries.AddFile(path, content);
            FileHash = SHA256.HashData(content);
        }

        _keys = [.. entries.Keys];
    }

    /// <summary>The SHA-256 digest of the keys file's content the held keys came from; null when none was read.</summary>
    public byte[]? FileHash { get; private set; }

    /// <summary>How many keys are held.</summary>
    public int Count => _keys.Length;

    /// <summary>The key <paramref name="presented"/> is, or null when it is none of them.</summary>
    public HeldKey? Find(string presented)
    {
        var digest = KeyEntries.Digest(presented);
        HeldKey? found = null;
        foreach (var known in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, known.Digest))
            {
                found = known;
            }
        }

        return found;
    }

    /// <summary>Replaces the held keys with <paramref name="keys"/> (the configured ones and the file's), read from a file of hash <paramref name="fileHash"/>.</summary>
    public void Use(IReadOnlyList<HeldKey> keys, byte[] fileHash)
    {
        _keys = [.. keys];
        FileHash = fileHash;
    }

    /// <summary>The key a request presents: <c>X-Api-Key</c>, <c>Authorization: Bearer</c>, or the login cookie; null when none.</summary>
    public static string? Read(HttpRequest request)
    {
        if (request.Headers[Header].FirstOrDefault() is { Length: > 0 } header)
        {
            return header;
        }

        if (request.Headers.Authorization.FirstOrDefault() is { } authorization
            && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        return request.Cookies[Cookie] is { Length: > 0 } cookie ? cookie : null;
    }
}
