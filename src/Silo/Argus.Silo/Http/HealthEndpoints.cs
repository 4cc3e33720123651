namespace Argus.Silo.Http;

/// <summary>Liveness and readiness for probes and load balancers; open even when API keys are set.</summary>
internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok")).AllowAnonymous();
        app.MapGet("/readyz", (LocalDevices devices) => devices.IsReady
            ? Results.Text("ready")
            : Results.Text("loading models", statusCode: StatusCodes.Status503ServiceUnavailable)).AllowAnonymous();
    }
}
