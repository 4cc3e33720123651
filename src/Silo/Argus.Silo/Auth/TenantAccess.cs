namespace Argus.Silo.Auth;

/// <summary>
/// Which tenant's cameras and jobs a caller may see, and whom a camera or job it creates belongs to. A caller of another
/// tenant is answered as if the thing did not exist (404), so that it learns nothing of others' names.
/// </summary>
internal static class TenantAccess
{
    /// <summary>
    /// Whether the caller may see something owned by <paramref name="owner"/> (<see cref="Tenancy.MaySee"/>); a refusal is
    /// counted, the caller answers it with its own 404.
    /// </summary>
    public static bool Sees(this HttpContext context, string? owner)
    {
        if (Tenancy.MaySee(context.Tenant(), owner))
        {
            return true;
        }

        context.RequestServices.GetRequiredService<AuthRefusals>().Count(StatusCodes.Status404NotFound, AuthRefusals.Tenant);
        return false;
    }

    /// <summary>
    /// Whom a camera or job the caller creates or changes belongs to: the caller's tenant; a caller without one (an
    /// operator) may name the tenant (<paramref name="requested"/>, from the body) or keeps the owner it had
    /// (<paramref name="existing"/>). A tenant naming another is refused with 403.
    /// </summary>
    public static (string? Owner, IResult? Refusal) OwnerOf(this HttpContext context, string? requested, string? existing)
    {
        if (context.Tenant() is not { } caller)
        {
            return (requested ?? existing, null);
        }

        if (requested is not null && requested != caller)
        {
            var refusal = context.RequestServices.GetRequiredService<AuthRefusals>().Refuse(context, StatusCodes.Status403Forbidden, AuthRefusals.Tenant,
                $"The key '{context.User.Identity?.Name}' acts for tenant '{caller}' only; the body names tenant '{requested}'. Leave tenant out.");
            return (null, refusal);
        }

        return (caller, null);
    }
}
