using Argus.Devices;
using Argus.Errors;
using Argus.Grains.Devices;
using Argus.Grains.Models.Drift;
using Argus.Models;
using Microsoft.Extensions.Options;

namespace Argus.Silo.Http;

/// <summary>
/// <c>GET /v1/models/{m}/drift</c>: the drift checks of each version of a model that has a monitor (a reference or a
/// sample), as a JSON array of <see cref="DriftStatus"/>, versions in name order.
/// </summary>
internal static class DriftEndpoints
{
    public static void MapDriftEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/models/{model}/drift", async (
            string model, InferenceDoor door, DeviceTable table, IGrainFactory grains, IOptions<DriftOptions> options, HttpResponse response,
            CancellationToken cancellationToken) =>
        {
            if (door.FindModel(model) is null)
            {
                return HttpErrors.V1(StatusCodes.Status404NotFound, ErrorKind.UnknownModel, $"Unknown model '{model}'.");
            }

            if (!options.Value.Enabled)
            {
                return HttpErrors.V1(StatusCodes.Status404NotFound, "drift_disabled", $"Drift checks are off on this silo: set {DriftOptions.Section}:Enabled.");
            }

            var served = (await table.GetAsync(cancellationToken)).SelectMany(d => d.Models)
                .Where(m => string.Equals(m.Name, model, StringComparison.OrdinalIgnoreCase)).Select(m => m.Version);
            var versions = served.Concat(door.VersionsOf(model)).Distinct().Order(StringComparer.Ordinal);
            try
            {
                var statuses = await Task.WhenAll(versions.Select(v => DriftMonitors.GrainOf(grains, model, v).GetStatusAsync()));
                return Results.Json(statuses.OfType<DriftStatus>());
            }
            catch (Exception e) when (SiloLoss.Is(e))
            {
                return HttpErrors.SiloLost("A drift monitor", e, response);
            }
        });
}
