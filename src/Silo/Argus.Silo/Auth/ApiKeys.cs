using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Argus.Silo.Auth;

/// <summary>
/// The configured API keys, held as SHA-256 digests and compared in constant time: a presented key is hashed and compared
/// with every configured digest without stopping early, so neither its content nor its length shows in the time taken.
/// </summary>
internal sealed class ApiKeys(IOptions<ArgusAuthOptions> options)
{
    /// <summary>The cookie <c>POST /login</c> sets for browsers.</summary>
    public const string Cookie = "argus_api_key";

    /// <summary>The header API clients send the key in (or <c>Authorization: Bearer</c>).</summary>
    public const string Header = "X-Api-Key";

    private readonly byte[][] _digests = [.. options.Value.ApiKeys.Select(Digest)];

    /// <summary>True when <paramref name="presented"/> is one of the keys.</summary>
    public bool Matches(string presented)
    {
        var digest = Digest(presented);
        var match = false;
        foreach (var known in _digests)
        {
            match |= CryptographicOperations.FixedTimeEquals(digest, known);
        }

        return match;
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

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
