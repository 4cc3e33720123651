using Argus.Testing;

namespace Argus.Silo.Tests;

/// <summary>One real silo process for a test class, with a 4 MiB request limit; stopped by its PID afterwards.</summary>
public sealed class SiloFixture : IAsyncLifetime
{
    public const long MaxRequestBytes = 4 * 1024 * 1024;

    public SiloProcess? Silo { get; private set; }

    public HttpClient? Http { get; private set; }

    public async Task InitializeAsync()
    {
        Silo = await SiloProcess.StartAsync("http-0", new Dictionary<string, string>
        {
            ["Argus__Silo__MaxRequestBytes"] = MaxRequestBytes.ToString(),
            // The folder watch says when it starts and stops at Information, which test silos leave out elsewhere.
            ["Logging__LogLevel__Argus.Grains.Pipelines.PipelineWatchGrain"] = "Information",
        });
        Http = new HttpClient { BaseAddress = Silo.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }
    }
}
