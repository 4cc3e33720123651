using Argus.Grains.Hosting;
using Argus.Inference.Imaging;
using Argus.Inference.Models;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.TestingHost;

namespace Argus.Grains.Tests;

/// <summary>
/// An in-process test cluster of two silos, each serving the (small, real) text-direction classifier, with in-memory
/// grain storage (cameras, and the alert streams' subscriptions).
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
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
            silo.AddMemoryGrainStorageAsDefault();
            silo.AddMemoryGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME);
            silo.Services.PostConfigure<InferenceOptions>(o =>
            {
                o.IntraOpThreads = 1;
                o.Models =
                [
                    new ModelOptions
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
                    },
                ];
            });
        }
    }
}
