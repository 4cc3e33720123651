using Argus.Inference;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Argus.Silo.Auth;

/// <summary>API key authentication for every endpoint but health and login (<see cref="ArgusAuthOptions"/>).</summary>
public static class AuthExtensions
{
    /// <summary>
    /// Adds the API key scheme with <see cref="ArgusAuthOptions"/> from <c>Argus:Auth</c>, validated at start. With keys
    /// configured, every endpoint that does not allow anonymous callers needs a key (ASP.NET Core's fallback policy, which
    /// also covers the dashboard's endpoints and <c>/metrics</c>); with none, all are open. Calling it twice is harmless.
    /// </summary>
    public static IServiceCollection AddArgusAuth(this IServiceCollection services)
    {
        if (services.Any(s => s.ServiceType == typeof(ApiKeys)))
        {
            return services;
        }

        services.AddArgusOptions<ArgusAuthOptions, ArgusAuthOptionsValidator>(ArgusAuthOptions.Section);
        services.AddSingleton<ApiKeys>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddOptions<AuthorizationOptions>().Configure<IOptions<ArgusAuthOptions>>((authorization, auth) =>
        {
            if (auth.Value.Enabled)
            {
                authorization.FallbackPolicy = new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build();
            }
        });
        return services;
    }
}
