using Argus.Grains.Devices;
using Argus.Inference;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;

namespace Argus.Grains.Hosting;

/// <summary>Adds Argus' grains and runtime to a silo.</summary>
public static class ArgusSiloBuilderExtensions
{
    /// <summary>
    /// Adds the device runtime (models loaded and warmed at start), device placement, the device load reports that
    /// feed routing, and Argus' grains.
    /// Calling it twice is harmless.
    /// </summary>
    public static ISiloBuilder AddArgus(this ISiloBuilder silo)
    {
        if (silo.Services.Any(s => s.ServiceType == typeof(Marker)))
        {
            return silo;
        }

        silo.Services.AddSingleton<Marker>();
        silo.Services.AddArgusInference();
        silo.Services.AddHostedService<DeviceLoadReporter>();
        silo.AddPlacementDirector<DevicePlacement, DevicePlacementDirector>();
        return silo;
    }

    /// <summary>Registered once, so a second <see cref="AddArgus"/> does nothing.</summary>
    private sealed class Marker;
}
