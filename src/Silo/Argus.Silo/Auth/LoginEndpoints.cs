using System.Text.Encodings.Web;

namespace Argus.Silo.Auth;

/// <summary>
/// The browser's way in when API keys are set: <c>GET /login</c> shows a form, <c>POST /login</c> checks the key and puts
/// it in an HttpOnly, SameSite=Strict cookie for the session (so the browser holds the key's roles and tenant, checked
/// again on every request: a key removed from the keys file logs its sessions out), then returns to the page the browser asked for (the
/// dashboard by default). The key travels in a form body, never in a URL, so it stays out of history and access logs.
/// </summary>
internal static class LoginEndpoints
{
    public const string Path = "/login";

    private const string DefaultReturn = "/dashboard/";

    /// <summary>The login page's address that returns to <paramref name="returnUrl"/>.</summary>
    public static string LoginPath(string returnUrl) => $"{Path}?return_url={Uri.EscapeDataString(returnUrl)}";

    public static void MapLoginEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (HttpRequest request) => Page(request.Query["return_url"], null, StatusCodes.Status200OK)).AllowAnonymous();
        app.MapPost(Path, LoginAsync).AllowAnonymous().DisableAntiforgery();
    }

    private static async Task<IResult> LoginAsync(HttpRequest request, ApiKeys keys, AuthRefusals refusals)
    {
        IFormCollection? form;
        try
        {
            form = request.HasFormContentType ? await request.ReadFormAsync(request.HttpContext.RequestAborted) : null;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or BadHttpRequestException)
        {
            // A form cut short, without its boundary or over the form limits: the sender's mistake, not the server's.
            return Page(null, "The form could not be read.", StatusCodes.Status400BadRequest);
        }

        var key = form?["key"].ToString() ?? "";
        var returnUrl = form?["return_url"].ToString();
        if (key.Length == 0 || keys.Find(key) is null)
        {
            refusals.Count(StatusCodes.Status401Unauthorized, key.Length == 0 ? AuthRefusals.NoKey : AuthRefusals.BadKey);
            return Page(returnUrl, "That key is not valid.", StatusCodes.Status401Unauthorized);
        }

        request.HttpContext.Response.Cookies.Append(ApiKeys.Cookie, key, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = request.IsHttps,
            Path = "/",
            IsEssential = true,
        });
        return Results.Redirect(LocalOrDefault(returnUrl), permanent: false, preserveMethod: false);
    }

    /// <summary>Only a path on this host: never an open redirect to another site.</summary>
    private static string LocalOrDefault(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : DefaultReturn;

    private static IResult Page(string? returnUrl, string? error, int status)
    {
        var html = HtmlEncoder.Default;
        var message = error is null ? "" : $"<p role=\"alert\">{html.Encode(error)}</p>";
        return Results.Content($$"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Argus: sign in</title></head>
            <body>
              <h1>Argus</h1>
              {{message}}
              <form method="post" action="{{Path}}">
                <label>API key <input id="key" name="key" type="password" autocomplete="current-password" autofocus></label>
                <input type="hidden" name="return_url" value="{{html.Encode(LocalOrDefault(returnUrl))}}">
                <button id="sign-in" type="submit">Sign in</button>
              </form>
            </body>
            </html>
            """, "text/html; charset=utf-8", statusCode: status);
    }
}
