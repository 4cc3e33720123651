using Argus.Grains.Hosting;
using Argus.Grains.Jobs;
using Argus.Grains.Pipelines;
using Argus.Inference.Models;
using Argus.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.TestingHost;

namespace Argus.Grains.Tests.Pipelines;

/// <summary>
/// One in-process silo with Argus' grains and the text-direction classifier (the engine needs a model), whose grain
/// storage is <see cref="Storage"/>, which a test can seed and read: a pipeline's retention needs its items, index,
/// finals logs, table and webhook, and no inference. The clock is the real one: the tests seed items submitted in the
/// past rather than move a fake clock, which would move every timer of the silo with it.
/// </summary>
public sealed class RetentionClusterFixture : IAsyncLifetime
{
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
            silo.AddArgus();
            silo.UseInMemoryReminderService();
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
