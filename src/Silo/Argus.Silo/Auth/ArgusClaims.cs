using System.Security.Claims;

namespace Argus.Silo.Auth;

/// <summary>What an authenticated caller's principal carries besides its roles (<see cref="ClaimTypes.Role"/>).</summary>
public static class ArgusClaims
{
    /// <summary>The claim naming the caller's tenant; absent for a key without one.</summary>
    public const string TenantType = "argus:tenant";

    /// <summary>
    /// The tenant the request is made for: its key's tenant, or null when the key has none or keys are off (everything
    /// then belongs to no tenant and is visible to every caller).
    /// </summary>
    public static string? Tenant(this HttpContext context) => context.User.FindFirst(TenantType)?.Value;
}
