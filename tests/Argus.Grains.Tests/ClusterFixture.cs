using Argus.Cameras;
using Argus.Grains.Hosting;
using Argus.Inference.Imaging;
using Argus.Inference.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.TestingHost;

namespace Argus.Grains.Tests;

/// <summary>
/// An in-process test cluster of two silos, each serving the (small, real) text-direction classifier, with in-memory
/// grain storage (cameras, and the alert streams' subscriptions); its client reads the alert streams.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    /// <summary>
    /// The embedding model a <see cref="CameraClusterFixture"/> serves beside the classifier: the classifier's two scores
    /// as a vector, far apart for upright and turned text, so a scene-change rule fires when the text turns.
    /// </summary>
    public const string Features = "text-features";

    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>The (small, real) text-direction classifier every test silo serves.</summary>
    public static ModelOptions Classifier => new()
    {
        Name = "text-direction",
        Path = "models/ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx",
        Task = ModelTask.Classification,
        LabelsPath = "models/labels/text-direction.txt",
        Softmax = false,
        Preprocess = new PreprocessOptions
        {
            Width = 192, Height = 48, Resize = ResizeMode.PadRight, Channels = ChannelOrder.Bgr,
            Mean = [127.5f, 127.5f, 127.5f], Std = [127.5f, 127.5f, 127.5f],
        },
    };

    /// <summary>Whether the silos serve <see cref="Features"/> too.</summary>
    protected virtual bool ServesFeatures => false;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.Properties[nameof(ServesFeatures)] = ServesFeatures.ToString();
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddArgus();
            silo.AddMemoryGrainStorageAsDefault();
            silo.AddMemoryGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME);
            var features = silo.Configuration[nameof(ServesFeatures)] == bool.TrueString;
            silo.Services.PostConfigure<InferenceOptions>(o =>
            {
                o.IntraOpThreads = 1;
                var classifier = Classifier;
                o.Models = features
                    ? [classifier, new ModelOptions { Name = Features, Path = classifier.Path, Task = ModelTask.Embedding, Preprocess = classifier.Preprocess }]
                    : [classifier];
            });
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder client) => client.AddMemoryStreams(AlertStreams.Provider);
    }
}

/// <summary>The two-silo cluster serving <see cref="ClusterFixture.Features"/> too, for cameras' alert rules.</summary>
public sealed class CameraClusterFixture : ClusterFixture
{
    protected override bool ServesFeatures => true;
}
