using Argus.Cameras;
using Argus.Devices;
using Argus.Grains.Cameras;
using Argus.Grains.Devices;
using Argus.Grains.Jobs;
using Argus.Grains.Models;
using Argus.Grains.Models.Drift;
using Argus.Grains.Pipelines;
using Argus.Grains.Scaling;
using Argus.Grains.Storage;
using Argus.Grains.Tenants;
using Argus.Inference;
using Argus.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Argus.Grains.Hosting;

/// <summary>Adds Argus' grains and runtime to a silo.</summary>
public static class ArgusSiloBuilderExtensions
{
    /// <summary>
    /// Adds the device runtime (models loaded and warmed at start), device placement, the device load reports that
    /// feed routing, the door every caller on the silo reaches the devices through (<see cref="InferenceDoor"/>, with
    /// <see cref="RoutingOptions"/>), Argus' grains, the cameras' connectors and keeper and their alert stream provider (<see cref="AlertStreams.Provider"/>,
    /// in-memory streams; the host adds the <c>PubSubStore</c> grain storage they need), batch jobs with
    /// <see cref="JobOptions"/> from <c>Argus:Jobs</c> and their stores (<see cref="ObjectStoreOptions"/> from
    /// <c>Argus:ObjectStores</c>; the host adds the reminder service their jobs need; Orleans'
    /// shortest reminder period follows <see cref="JobOptions.ReminderSeconds"/>), the autoscaler's gauges and the silo's
    /// drain on stop (<see cref="SiloDrain"/>), with <see cref="AutoscaleOptions"/> from <c>Argus:Autoscale</c>, the model
    /// repository's hand on this silo (<see cref="RepositorySync"/>) and the rollouts' figures (<see cref="RolloutRecorder"/>,
    /// reported each second, with <see cref="RolloutOptions"/> from <c>Argus:Rollout</c>), and the drift checks' sampler,
    /// flushed each second, with <see cref="DriftOptions"/> from <c>Argus:Drift</c>, and the tenants' weights and rates,
    /// <see cref="TenantOptions"/> from <c>Argus:Tenants</c>, and pipelines' webhooks (the host adds their
    /// <see cref="IWebhookPoster"/>). Every options class is
    /// validated at start. Calling it twice is harmless.
    /// </summary>
    public static ISiloBuilder AddArgus(this ISiloBuilder silo)
    {
        if (silo.Services.Any(s => s.ServiceType == typeof(Marker)))
        {
            return silo;
        }

        silo.Services.AddSingleton<Marker>();
        silo.Services.AddArgusInference();
        silo.Services.AddArgusOptions<AutoscaleOptions, AutoscaleOptionsValidator>(AutoscaleOptions.Section);
        silo.Services.AddSingleton<SiloDrain>();
        silo.Services.AddHostedService(s => s.GetRequiredService<SiloDrain>());
        silo.Services.AddHostedService<DeviceLoadReporter>();
        silo.Services.AddSingleton<AutoscaleInstruments>();
        silo.Services.AddHostedService<AutoscaleMonitor>();
        silo.Services.TryAddSingleton<DeviceTable>();
        silo.Services.AddArgusOptions<RoutingOptions, RoutingOptionsValidator>(RoutingOptions.Section);
        silo.Services.TryAddSingleton<RolloutTable>();
        silo.Services.TryAddSingleton<RolloutRecorder>();
        silo.Services.AddArgusOptions<RolloutOptions, RolloutOptionsValidator>(RolloutOptions.Section);
        silo.Services.AddSingleton<RolloutInstruments>();
        silo.Services.AddHostedService<RolloutReporter>();
        silo.Services.AddArgusOptions<DriftOptions, DriftOptionsValidator>(DriftOptions.Section);
        silo.Services.AddSingleton<DriftInstruments>();
        silo.Services.AddSingleton<DriftSampler>();
        silo.Services.AddHostedService(s => s.GetRequiredService<DriftSampler>());
        silo.Services.AddSingleton<RepositorySync>();
        silo.Services.AddHostedService(s => s.GetRequiredService<RepositorySync>());
        silo.Services.AddSingleton<InferenceDoor>();
        silo.Services.AddSingleton<CameraConnectors>();
        silo.Services.AddSingleton<CameraPeers>();
        silo.Services.AddSingleton<CameraInstruments>();
        silo.Services.AddSingleton<CameraConfigValidator>();
        silo.Services.AddHostedService<CameraKeeper>();
        silo.Services.AddArgusOptions<JobOptions, JobOptionsValidator>(JobOptions.Section);
        silo.Services.AddArgusOptions<TenantOptions, TenantOptionsValidator>(TenantOptions.Section);
        silo.Services.AddOptions<ReminderOptions>()
            .Configure<IOptions<JobOptions>>((reminders, jobs) => reminders.MinimumReminderPeriod = jobs.Value.ReminderPeriod);
        silo.Services.AddSingleton<JobInstruments>();
        silo.Services.AddArgusOptions<ObjectStoreOptions, ObjectStoreOptionsValidator>(ObjectStoreOptions.Section);
        silo.Services.TryAddSingleton<JobStores>();
        silo.Services.AddSingleton<ShardRunner>();
        silo.Services.AddSingleton<PipelineInstruments>();
        silo.AddPlacementDirector<DevicePlacement, DevicePlacementDirector>();
        silo.AddMemoryStreams(AlertStreams.Provider);
        return silo;
    }

    /// <summary>Registered once, so a second <see cref="AddArgus"/> does nothing.</summary>
    private sealed class Marker;
}
