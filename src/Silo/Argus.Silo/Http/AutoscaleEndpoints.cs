using Argus.Devices;
using Argus.Errors;
using Argus.Scaling;

namespace Argus.Silo.Http;

/// <summary>
/// <c>GET /v1/autoscale</c>: the autoscaler's decision as JSON (<c>desired</c>, <c>current</c>, <c>queue_depth</c>,
/// <c>reason</c>, …), the same from every silo, for KEDA's <c>metrics-api</c> trigger and <c>argus autoscale</c>.
/// </summary>
internal static class AutoscaleEndpoints
{
    public static void MapAutoscaleEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/autoscale", async (IGrainFactory grains, HttpResponse response) =>
        {
            try
            {
                return Results.Ok(await grains.GetGrain<IAutoscalerGrain>(0).GetStatusAsync());
            }
            catch (Exception e) when (SiloLoss.Is(e))
            {
                // The autoscaler's silo just left: it starts again on another at the next read.
                return HttpErrors.V1(StatusCodes.Status503ServiceUnavailable, ErrorKind.NotReady, $"The autoscaler is moving: {e.Message}", response, 1000);
            }
        });
}
