using Argus.Testing;

namespace Argus.Silo.Tests.Http;

/// <summary>A real silo process with one simulated device that analyses one item at a time in <paramref name="latencyMs"/>.</summary>
public abstract class SimDeviceSiloFixture(string name, int latencyMs) : IAsyncLifetime
{
    private readonly string _profile = Path.Combine(Path.GetTempPath(), $"argus-{name}-{Guid.NewGuid():N}.json");

    public SiloProcess? Silo { get; private set; }

    public HttpClient? Http { get; private set; }

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_profile, $$"""{ "name": "{{name}}", "latencyMs": { "1": {{latencyMs}} } }""");
        Silo = await SiloProcess.StartAsync($"{name}-0", new Dictionary<string, string>
        {
            ["Argus__Inference__Sim__Devices"] = "1",
            ["Argus__Inference__Sim__Profile"] = _profile,
        }, TimeSpan.FromMinutes(5)); // a loaded machine starts a silo slowly
        Http = new HttpClient { BaseAddress = Silo.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        File.Delete(_profile);
    }
}

/// <summary>A deliberately slow model: 300 ms per batch.</summary>
public sealed class SlowSiloFixture() : SimDeviceSiloFixture("slow", 300);

/// <summary>A frame in 50 ms, one at a time: 20 frames/s.</summary>
public sealed class TwentyFpsSiloFixture() : SimDeviceSiloFixture("twenty-fps", 50);
