namespace Argus;

/// <summary>
/// Tenants: the owners an API key may name (<c>Argus:Auth</c>). Cameras and jobs belong to the tenant whose key created
/// them and are invisible to keys of other tenants; a key without a tenant (an operator's) sees them all.
/// </summary>
public static class Tenancy
{
    /// <summary>The longest tenant name.</summary>
    public const int MaxNameLength = 64;

    /// <summary>
    /// Whether <paramref name="name"/> can name a tenant: 1 to 64 ASCII letters, digits, '-', '_' or '.', so that it is safe
    /// as a metric label, in a log line and in a file name.
    /// </summary>
    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>The problem with <paramref name="name"/> as <paramref name="field"/>, or null when it is a valid tenant name or null.</summary>
    public static string? Problem(string field, string? name) =>
        name is null || IsValidName(name) ? null : $"{field} '{name}' must be 1 to {MaxNameLength} letters, digits, '-', '_' or '.'.";

    /// <summary>
    /// Whether a caller of <paramref name="caller"/> may see something owned by <paramref name="owner"/>: a caller without a
    /// tenant sees everything, a tenant only its own.
    /// </summary>
    public static bool MaySee(string? caller, string? owner) => caller is null || string.Equals(caller, owner, StringComparison.Ordinal);
}
