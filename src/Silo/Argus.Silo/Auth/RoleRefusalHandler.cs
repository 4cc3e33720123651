using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Argus.Silo.Auth;

/// <summary>
/// Answers a key that lacks an endpoint's role with 403 and the reason (the key's name, what it holds and what the
/// endpoint needs) instead of ASP.NET Core's empty 403; a missing or wrong key goes on to the scheme's challenge
/// (<see cref="ApiKeyAuthenticationHandler"/>), which answers 401.
/// </summary>
internal sealed class RoleRefusalHandler(AuthRefusals refusals) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden)
        {
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }

        var needed = (authorizeResult.AuthorizationFailure?.FailedRequirements ?? [])
            .OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).Distinct().ToArray();
        var held = context.User.FindAll(ClaimTypes.Role).Select(c => c.Value).ToArray();
        var message = $"The key '{context.User.Identity?.Name}' holds {(held.Length == 0 ? "no role" : "the roles " + string.Join(", ", held))}; "
            + $"{context.Request.Method} {context.Request.Path} needs {(needed.Length == 0 ? "another key" : "the role " + string.Join(" or ", needed))}.";
        return refusals.Refuse(context, StatusCodes.Status403Forbidden, AuthRefusals.Role, message).ExecuteAsync(context);
    }
}
