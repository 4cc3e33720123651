using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace Argus.Silo.Auth;

/// <summary>API key authentication for every endpoint but health and login (<see cref="ArgusAuthOptions"/>).</summary>
public static class AuthExtensions
{
    /// <summary>
    /// Adds the API key scheme. With keys configured, every endpoint that does not allow anonymous callers needs a key
    /// (ASP.NET Core's fallback policy, which also covers the dashboard's endpoints and <c>/metrics</c>); with none, all
    /// are open.
    /// </summary>
    public static IServiceCollection AddArgusAuth(this IServiceCollection services, ArgusAuthOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<ApiKeys>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(o =>
        {
            if (options.Enabled)
            {
                o.FallbackPolicy = new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build();
            }
        });
        return services;
    }
}
