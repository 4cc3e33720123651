using Argus.Grains.Devices;
using Argus.Inference;
using Orleans.Hosting;

namespace Argus.Grains.Hosting;

/// <summary>Adds Argus' grains and runtime to a silo.</summary>
public static class ArgusSiloBuilderExtensions
{
    /// <summary>
    /// Adds the device runtime (models loaded and warmed at start), device placement and Argus' grains.
    /// Calling it twice is harmless.
    /// </summary>
    public static ISiloBuilder AddArgus(this ISiloBuilder silo)
    {
        silo.Services.AddArgusInference();
        silo.AddPlacementDirector<DevicePlacement, DevicePlacementDirector>();
        return silo;
    }
}
