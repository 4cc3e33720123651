namespace Argus.Silo.Auth;

/// <summary>A key as the silo holds it: never the key, only its SHA-256 digest, with its name, roles and tenant.</summary>
/// <param name="Name">Names the caller in refusals and logs.</param>
/// <param name="Digest">The key's SHA-256 digest.</param>
/// <param name="Roles">What it may do (<see cref="ArgusRoles"/>).</param>
/// <param name="Tenant">The tenant it acts for; null for none.</param>
internal sealed record HeldKey(string Name, byte[] Digest, IReadOnlyList<string> Roles, string? Tenant);
