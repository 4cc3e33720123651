using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Argus.Silo.Auth;

/// <summary>
/// Checks keys and turns them into <see cref="HeldKey"/>s: the configured ones (<see cref="ArgusAuthOptions.ApiKeys"/>,
/// <see cref="ArgusAuthOptions.Keys"/>) and those of the keys file, together, since names and keys must be unique across
/// all of them. Every problem is listed, each at the entry it concerns; a key with a problem is not held.
/// </summary>
internal sealed class KeyEntries
{
    /// <summary>The largest keys file read: a file larger is refused, not read into memory.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>The longest key name.</summary>
    public const int MaxNameLength = 64;

    private static readonly JsonSerializerOptions FileJson = new()
    {
        PropertyNameCaseInsensitive = true,
        // A misspelt "roles" must not leave a key with every role.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 8,
    };

    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _digests = new(StringComparer.Ordinal);
    private readonly List<string> _problems = [];
    private readonly List<HeldKey> _keys = [];

    /// <summary>Every problem found so far, one line each, naming its entry.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>The keys without problems.</summary>
    public IReadOnlyList<HeldKey> Keys => _keys;

    /// <summary>The configured keys of <paramref name="options"/>, checked.</summary>
    public static KeyEntries Configured(ArgusAuthOptions options)
    {
        var entries = new KeyEntries();
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var at = $"{ArgusAuthOptions.Section}:ApiKeys:{i}";
            var key = options.ApiKeys[i] ?? "";
            if (KeyProblem(key) is { } problem)
            {
                entries._problems.Add($"{at} {problem}");
            }
            else
            {
                entries.Hold(at, $"api-key-{i}", Digest(key), ArgusRoles.All, null);
            }
        }

        for (var i = 0; i < options.Keys.Count; i++)
        {
            entries.Add($"{ArgusAuthOptions.Section}:Keys:{i}", options.Keys[i]);
        }

        return entries;
    }

    /// <summary>
    /// Reads the keys file at <paramref name="path"/> whole; null with the reason when it cannot be read (missing,
    /// unreadable, larger than <see cref="MaxFileBytes"/>).
    /// </summary>
    public static byte[]? ReadFile(string path, out string? problem)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (file.Length > MaxFileBytes)
            {
                problem = $"{FileAt(path)} has {file.Length} bytes; the limit is {MaxFileBytes}.";
                return null;
            }

            var bytes = new byte[file.Length];
            file.ReadExactly(bytes);
            problem = null;
            return bytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problem = $"{FileAt(path)} cannot be read: {e.Message}";
            return null;
        }
    }

    /// <summary>Adds the entries of a keys file's content: a JSON array of <see cref="ApiKeyEntry"/>.</summary>
    public void AddFile(string path, ReadOnlySpan<byte> content)
    {
        List<ApiKeyEntry?>? entries;
        try
        {
            entries = JsonSerializer.Deserialize<List<ApiKeyEntry?>>(content, FileJson);
        }
        catch (JsonException e)
        {
            // The message may quote the file's bytes at length.
            _problems.Add($"{FileAt(path)} is not a JSON array of keys ({{\"name\", \"key\" or \"sha256\", \"roles\", \"tenant\"}}): {Clip(e.Message, 200)}");
            return;
        }

        if (entries is null)
        {
            _problems.Add($"{FileAt(path)} must hold a JSON array of keys, not null.");
            return;
        }

        for (var i = 0; i < entries.Count; i++)
        {
            Add($"{FileAt(path)}[{i}]", entries[i]);
        }
    }

    /// <summary>A key's SHA-256 digest.</summary>
    public static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string FileAt(string path) => $"{ArgusAuthOptions.Section}:KeysFile '{path}'";

    /// <summary>Whitespace would not survive a header (a bearer token is trimmed).</summary>
    private static string? KeyProblem(string key) =>
        key.Length < ArgusAuthOptions.MinKeyLength || key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            ? $"must be at least {ArgusAuthOptions.MinKeyLength} characters without spaces or control characters (has {key.Length})."
            : null;

    private void Add(string at, ApiKeyEntry? entry)
    {
        if (entry is null)
        {
            _problems.Add($"{at}: is empty; give name, key or sha256, and roles.");
            return;
        }

        var before = _problems.Count;
        if (entry.Name is not { Length: > 0 and <= MaxNameLength } name || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            _problems.Add($"{at}: name '{Clip(entry.Name)}' must be 1 to {MaxNameLength} letters, digits, '-', '_' or '.'.");
        }
        else if (!_names.TryAdd(name, at))
        {
            _problems.Add($"{at}: name '{name}' is also the name of {_names[name]}.");
        }

        byte[]? digest = null;
        switch (entry.Key, entry.Sha256)
        {
            case (null, null):
                _problems.Add($"{at}: give key or sha256.");
                break;
            case ({ }, { }):
                _problems.Add($"{at}: give key or sha256, not both.");
                break;
            case ({ } key, null) when KeyProblem(key) is { } problem:
                _problems.Add($"{at}: key {problem}");
                break;
            case ({ } key, null):
                digest = Digest(key);
                break;
            case (null, { } hex) when hex.Length != SHA256.HashSizeInBytes * 2 || !hex.All(char.IsAsciiHexDigit):
                _problems.Add($"{at}: sha256 must be {SHA256.HashSizeInBytes * 2} hex digits, the key's SHA-256 digest (has {hex.Length} characters).");
                break;
            case (null, { } hex):
                digest = Convert.FromHexString(hex);
                break;
        }

        foreach (var role in (entry.Roles ?? []).Where(r => !ArgusRoles.All.Contains(r, StringComparer.Ordinal)))
        {
            _problems.Add($"{at}: unknown role '{Clip(role)}': use {string.Join(", ", ArgusRoles.All)}.");
        }

        if (Tenancy.Problem("tenant", entry.Tenant) is { } tenant)
        {
            _problems.Add($"{at}: {Clip(tenant)}");
        }

        if (_problems.Count == before)
        {
            IReadOnlyList<string> roles = entry.Roles is { Count: > 0 } some ? [.. some.Distinct(StringComparer.Ordinal)] : ArgusRoles.All;
            Hold(at, entry.Name!, digest!, roles, entry.Tenant);
        }
    }

    private void Hold(string at, string name, byte[] digest, IReadOnlyList<string> roles, string? tenant)
    {
        if (!_digests.TryAdd(Convert.ToHexString(digest), at))
        {
            // Two entries with one key would leave its roles to the order of the list.
            _problems.Add($"{at}: the same key as {_digests[Convert.ToHexString(digest)]}.");
            return;
        }

        _keys.Add(new HeldKey(name, digest, roles, tenant));
    }

    /// <summary>A value quoted in a problem, cut short: a file may hold anything.</summary>
    private static string Clip(string? value, int length = 80) => value is not null && value.Length > length ? value[..length] + "…" : value ?? "";
}
