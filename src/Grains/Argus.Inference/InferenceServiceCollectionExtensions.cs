using Argus.Inference.Devices;
using Argus.Inference.Models;
using Argus.Inference.Storage;
using Argus.Inference.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Argus.Inference;

/// <summary>Registers the inference runtime.</summary>
public static class InferenceServiceCollectionExtensions
{
    /// <summary>
    /// Adds the silo-wide <see cref="DeviceRuntime"/> with <see cref="InferenceOptions"/> bound to
    /// <c>Argus:Inference</c> and validated at start, and its <see cref="InferenceInstruments"/>; and the roots that paths
    /// clients name must lie in, <see cref="StorageOptions"/> from <c>Argus:Storage</c>. Calling it twice is harmless.
    /// </summary>
    public static IServiceCollection AddArgusInference(this IServiceCollection services)
    {
        if (services.Any(s => s.ServiceType == typeof(DeviceRuntime)))
        {
            return services;
        }

        services.AddArgusOptions<InferenceOptions, InferenceOptionsValidator>(InferenceOptions.Section);
        services.AddArgusOptions<StorageOptions, StorageOptionsValidator>(StorageOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<InferenceInstruments>();
        services.AddSingleton<DeviceRuntime>();
        services.AddHostedService(sp => sp.GetRequiredService<DeviceRuntime>());
        return services;
    }
}
