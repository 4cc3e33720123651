using Argus.Grains.Devices;
using Argus.Grains.Scaling;

namespace Argus.Silo.Http;

/// <summary>
/// Liveness and readiness for probes and load balancers; open even when API keys are set. A draining silo (stopping) is
/// not ready, so Services stop sending it requests.
/// </summary>
internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok")).AllowAnonymous();
        app.MapGet("/readyz", (InferenceDoor door, SiloDrain drain) => (door.IsReady, drain.IsDraining) switch
        {
            (_, true) => Results.Text("draining", statusCode: StatusCodes.Status503ServiceUnavailable),
            (true, _) => Results.Text("ready"),
            _ => Results.Text("loading models", statusCode: StatusCodes.Status503ServiceUnavailable),
        }).AllowAnonymous();
    }
}
