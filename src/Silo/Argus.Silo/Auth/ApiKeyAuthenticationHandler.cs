using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Argus.Silo.Auth;

/// <summary>
/// Authenticates a request by the API key it presents (<see cref="ApiKeys.Read"/>): the caller is named after the key and
/// holds its roles (<see cref="ClaimTypes.Role"/>) and its tenant (<see cref="ArgusClaims.TenantType"/>). A request
/// without a valid key that needs one gets 401 with its API's error body and <c>WWW-Authenticate</c>; a browser asking for
/// a page is sent to <c>/login</c> instead.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggers, UrlEncoder encoder, ApiKeys keys, AuthRefusals refusals)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ApiKeys.Read(Request) is not { } presented)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (keys.Find(presented) is not { } key)
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        List<Claim> claims = [new(ClaimTypes.Name, key.Name), .. key.Roles.Select(r => new Claim(ClaimTypes.Role, r))];
        if (key.Tenant is not null)
        {
            claims.Add(new Claim(ArgusClaims.TenantType, key.Tenant));
        }

        var identity = new ClaimsIdentity(claims, SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (HttpMethods.IsGet(Request.Method) && Request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true))
        {
            Response.Redirect(LoginEndpoints.LoginPath(Request.PathBase + Request.Path + Request.QueryString));
            return;
        }

        var result = await HandleAuthenticateOnceSafeAsync();
        var message = result.Failure is { } failure
            ? failure.Message
            : $"This endpoint needs an API key: send it in {ApiKeys.Header} or as Authorization: Bearer, or sign in at {LoginEndpoints.Path}.";
        Response.Headers.WWWAuthenticate = result.Failure is null ? "Bearer realm=\"argus\"" : "Bearer realm=\"argus\", error=\"invalid_token\"";
        await refusals.Refuse(Context, StatusCodes.Status401Unauthorized, result.Failure is null ? AuthRefusals.NoKey : AuthRefusals.BadKey, message)
            .ExecuteAsync(Context);
    }
}
