using System.Diagnostics.Metrics;
using Argus.Inference.Devices;
using Argus.Inference.Models;
using Argus.Inference.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Argus.Inference.Tests.Devices;

/// <summary>The configured models open side by side at start: one that fails fails the start, with its own reason.</summary>
public sealed class RuntimeStartTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("argus-start-test-");
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task A_configured_model_that_fails_to_open_beside_good_ones_fails_the_start_with_its_reason()
    {
        var broken = Path.Combine(_folder.FullName, "broken.onnx");
        await File.WriteAllTextAsync(broken, "not a model");
        var good = new ModelOptions
        {
            Name = "text-direction", Version = "2.0", Path = "models/ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx",
            Task = ModelTask.Classification, Preprocess = CpuRuntimeFixture.TextDirectionInput,
        };
        var options = new InferenceOptions
        {
            Cuda = CudaMode.Off,
            IntraOpThreads = 1,
            Models = [good, new ModelOptions { Name = "broken", Path = broken, Preprocess = CpuRuntimeFixture.TextDirectionInput }],
        };
        Assert.True(new InferenceOptionsValidator().Validate(null, options).Succeeded);
        var lifetime = new StoppedLifetime();
        using var runtime = new DeviceRuntime(Options.Create(options), TimeProvider.System, lifetime,
            new InferenceInstruments(_services.GetRequiredService<IMeterFactory>()), NullLoggerFactory.Instance);

        await runtime.StartingAsync(CancellationToken.None);

        try
        {
            var e = await Assert.ThrowsAsync<ModelLoadException>(() => runtime.Ready.WaitAsync(TimeSpan.FromMinutes(2)));
            Assert.Contains("Model 'broken' v1 could not be loaded on cpu0", e.Message, StringComparison.Ordinal);
            await lifetime.Stopped.Task.WaitAsync(TimeSpan.FromMinutes(1));
            Assert.Empty(runtime.Devices);
        }
        finally
        {
            // A silo whose models fail exits with 1; this process is the test host, whose exit code must stay its own.
            Environment.ExitCode = 0;
        }
    }

    private sealed class StoppedLifetime : IHostApplicationLifetime
    {
        public TaskCompletionSource Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationToken ApplicationStarted { get; } = new(canceled: true);

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => Stopped.TrySetResult();
    }
}
