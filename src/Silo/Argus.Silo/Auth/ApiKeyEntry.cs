namespace Argus.Silo.Auth;

/// <summary>
/// One API key of <see cref="ArgusAuthOptions.Keys"/> or of the keys file: its name, the key or its SHA-256 digest, its
/// roles and its tenant.
/// </summary>
public sealed class ApiKeyEntry
{
    /// <summary>The key's name, unique among the keys: it names the caller in refusals and logs, never the key itself.</summary>
    public string? Name { get; set; }

    /// <summary>The key itself (at least <see cref="ArgusAuthOptions.MinKeyLength"/> characters); or give <see cref="Sha256"/>.</summary>
    public string? Key { get; set; }

    /// <summary>
    /// The key's SHA-256 digest in hex (64 digits, e.g. from <c>printf %s "$KEY" | sha256sum</c>), so that the
    /// configuration holds no key at all; or give <see cref="Key"/>.
    /// </summary>
    public string? Sha256 { get; set; }

    /// <summary>What the key may do: any of <c>infer</c>, <c>operate</c>, <c>admin</c> (<see cref="ArgusRoles"/>). None: all three.</summary>
    public List<string>? Roles { get; set; }

    /// <summary>The tenant the key acts for (<see cref="Tenancy.IsValidName"/>); null: none, so it sees every tenant's cameras and jobs.</summary>
    public string? Tenant { get; set; }
}
