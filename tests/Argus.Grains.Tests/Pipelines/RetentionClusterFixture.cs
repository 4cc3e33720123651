using Argus.Grains.Hosting;
using Argus.Grains.Jobs;
using Argus.Grains.Pipelines;
using Argus.Inference.Models;
using Argus.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Reminders;
using Orleans.Runtime.Hosting;
using Orleans.TestingHost;

namespace Argus.Grains.Tests.Pipelines;

/// <summary>
/// One in-process silo with Argus' grains and the text-direction classifier (the engine needs a model), whose clock is <see cref="Time"/> (a fake, moved by the tests: it
/// drives the grains' timers too) and whose grain storage is <see cref="Storage"/>, which a test can seed and read: a
/// pipeline's retention needs its items, index, finals logs, table and webhook, and no inference.
/// </summary>
public sealed class RetentionClusterFixture : IAsyncLifetime
{
    /// <summary>The silo's clock; it starts at the real time.</summary>
    public static FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>The silo's grain storage.</summary>
    public static FinalsClusterFixture.HeldStorage Storage { get; } = new();

    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.Services.AddSingleton<TimeProvider>(Time);
            silo.AddArgus();
            silo.UseInMemoryReminderService();
            // Reminders keep the real clock: the reminder service takes registrations only after its first list refresh,
            // which on the fake clock would wait for a test to move it.
            silo.Services.AddKeyedSingleton(ReminderTimeProviderNames.Reminders, TimeProvider.System);
            silo.Services.Configure<ReminderOptions>(o => o.RefreshReminderListPeriod = TimeSpan.FromSeconds(1));
            silo.Services.AddGrainStorage("Default", (_, _) => Storage);
            silo.AddMemoryGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME); // the cameras' alert streams
            silo.Services.AddSingleton<IWebhookPoster, RefusingPoster>();
            silo.Services.PostConfigure<JobOptions>(o => o.WatchSeconds = 1);
            silo.Services.PostConfigure<InferenceOptions>(o => (o.IntraOpThreads, o.Models) = (1, [ClusterFixture.Classifier]));
        }
    }

    /// <summary>A webhook receiver that is never reached.</summary>
    private sealed class RefusingPoster : IWebhookPoster
    {
        public Task<string?> PostAsync(Uri webhook, string delivery, string pipeline, IReadOnlyList<PipelineItem> items, CancellationToken cancellationToken) =>
            Task.FromResult<string?>("not reached");
    }
}
