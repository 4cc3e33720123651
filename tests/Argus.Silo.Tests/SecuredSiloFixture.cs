using Argus.Silo.Tests.Telemetry;
using Argus.Testing;

namespace Argus.Silo.Tests;

/// <summary>
/// One real silo process with an API key, one simulated device (kind <c>sim</c>) and its traces and metrics exported over
/// OTLP to a receiver of the test's own on loopback; shared by the auth, telemetry and browser tests.
/// </summary>
public sealed class SecuredSiloFixture : IAsyncLifetime
{
    public const string ApiKey = "secured-test-key-0123456789";

    public OtlpReceiver Otlp { get; } = new();

    public SiloProcess? Silo { get; private set; }

    /// <summary>A client that sends the key as <c>X-Api-Key</c>.</summary>
    public HttpClient? Http { get; private set; }

    /// <summary>A client without a key that follows no redirects and keeps no cookies.</summary>
    public HttpClient? Anonymous { get; private set; }

    public async Task InitializeAsync()
    {
        Silo = await SiloProcess.StartAsync("secured-0", new Dictionary<string, string>
        {
            ["Argus__Auth__ApiKeys__0"] = ApiKey,
            ["Argus__Inference__Sim__Devices"] = "1",
            ["Argus__Inference__Sim__Profile"] = "textbook",
            ["Argus__Telemetry__OtlpEndpoint"] = Otlp.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        Http = new HttpClient { BaseAddress = Silo.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        Anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = Silo.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        Anonymous?.Dispose();
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        Otlp.Dispose();
    }
}

/// <summary>The test classes that share the secured silo.</summary>
[CollectionDefinition(Name)]
public sealed class SecuredSiloCollection : ICollectionFixture<SecuredSiloFixture>
{
    public const string Name = "secured silo";
}
