using System.Diagnostics.Metrics;
using Argus.Inference.Devices;
using Argus.Inference.Models;
using Argus.Inference.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Argus.Inference.Tests.Devices;

/// <summary>A real <see cref="DeviceRuntime"/> as a silo starts it, with options checked by the silo's validator.</summary>
public sealed class RuntimeHost : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public RuntimeHost(InferenceOptions options)
    {
        var checkedOptions = new InferenceOptionsValidator().Validate(null, options);
        Assert.True(checkedOptions.Succeeded, checkedOptions.FailureMessage);
        Runtime = new DeviceRuntime(
            Options.Create(options), TimeProvider.System, new Lifetime(), new InferenceInstruments(Meters), NullLoggerFactory.Instance);
        Runtime.StartingAsync(CancellationToken.None).GetAwaiter().GetResult();
        Assert.True(Runtime.Ready.Wait(TimeSpan.FromMinutes(2)), "the runtime never became ready");
    }

    public DeviceRuntime Runtime { get; }

    public IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    /// <summary>Model name and version on every device, device by device.</summary>
    public string[][] Loaded() => [.. Runtime.Devices.Select(d => d.Models.Select(m => $"{m.Name} v{m.Version}").ToArray())];

    public static string ShippedModel(string relative) => Path.Combine(AppContext.BaseDirectory, "models", relative);

    public static DateTime Deadline => DateTime.UtcNow.AddMinutes(1);

    public void Dispose()
    {
        Runtime.Dispose();
        _services.Dispose();
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted { get; } = new(canceled: true);

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => Assert.Fail("the runtime stopped the application: its models failed to load");
    }
}
