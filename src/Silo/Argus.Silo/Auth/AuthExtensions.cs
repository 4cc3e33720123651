using Argus.Inference;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;

namespace Argus.Silo.Auth;

/// <summary>API keys with roles and tenants for every endpoint but health and login (<see cref="ArgusAuthOptions"/>).</summary>
public static class AuthExtensions
{
    /// <summary>The policy of pushing a frame to a camera: <see cref="ArgusRoles.Infer"/> or <see cref="ArgusRoles.Operate"/>.</summary>
    public const string PushFramesPolicy = "infer-or-operate";

    /// <summary>
    /// Adds the API key scheme with <see cref="ArgusAuthOptions"/> from <c>Argus:Auth</c>, validated at start, the keys
    /// file's watcher, and one authorization policy per role (<see cref="ArgusRoles"/>, named after it) plus
    /// <see cref="PushFramesPolicy"/>. With keys configured, each policy needs a key holding its role, and every endpoint
    /// without a policy that does not allow anonymous callers needs a key (ASP.NET Core's fallback policy); with none,
    /// every policy lets every caller in. Calling it twice is harmless.
    /// </summary>
    public static IServiceCollection AddArgusAuth(this IServiceCollection services)
    {
        if (services.Any(s => s.ServiceType == typeof(ApiKeys)))
        {
            return services;
        }

        services.AddArgusOptions<ArgusAuthOptions, ArgusAuthOptionsValidator>(ArgusAuthOptions.Section);
        services.AddSingleton<ApiKeys>();
        services.AddSingleton<AuthRefusals>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, RoleRefusalHandler>();
        services.AddHostedService<KeysFileWatcher>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddOptions<AuthorizationOptions>().Configure<IOptions<ArgusAuthOptions>>((authorization, auth) =>
        {
            var enabled = auth.Value.Enabled;
            if (enabled)
            {
                authorization.FallbackPolicy = new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build();
            }

            foreach (var role in ArgusRoles.All)
            {
                authorization.AddPolicy(role, Policy(enabled, role));
            }

            authorization.AddPolicy(PushFramesPolicy, Policy(enabled, ArgusRoles.Infer, ArgusRoles.Operate));
        });
        return services;
    }

    /// <summary>Any of <paramref name="roles"/> when keys are configured; anyone when none are.</summary>
    private static AuthorizationPolicy Policy(bool enabled, params string[] roles) => enabled
        ? new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireRole(roles).Build()
        : new AuthorizationPolicyBuilder().RequireAssertion(_ => true).Build();
}
