using System.Net;
using System.Text.Json;
using Argus.Client;
using Argus.Devices;
using Argus.Security;
using Argus.Testing;
using Orleans.Runtime;

namespace Argus.Cluster.Tests;

/// <summary>
/// Two silo processes on Redis membership with <c>Argus:Tls</c> on, their certificates issued by a throwaway authority,
/// each serving one simulated device; and a second authority that is not the cluster's.
/// </summary>
public sealed class TlsClusterFixture : IAsyncLifetime
{
    public TestCertificateAuthority Authority { get; } = TestCertificateAuthority.Create("argus");

    public TestCertificateAuthority Stranger { get; } = TestCertificateAuthority.Create("stranger");

    public RedisServer? Redis { get; private set; }

    public List<SiloProcess> Silos { get; } = [];

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        var settings = TestCertificateAuthority.SiloSettings(Authority.Issue("silo"));
        settings["Argus__Redis"] = Redis.ConnectionString;
        settings["Argus__Inference__Sim__Devices"] = "1";
        var starts = new[] { "silo-0", "silo-1" }.Select(n => SiloProcess.StartAsync(n, settings, TimeSpan.FromMinutes(2))).ToArray();
        try
        {
            await Task.WhenAll(starts);
        }
        finally
        {
            Silos.AddRange(starts.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
        }
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(Silos.Select(s => s.DisposeAsync().AsTask()));
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        Authority.Dispose();
        Stranger.Dispose();
    }
}

/// <summary>Silos with TLS: mutual authentication between silos and from clients to gateways, and HTTPS only for the API.</summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class TlsClusterTests(TlsClusterFixture cluster) : IClassFixture<TlsClusterFixture>
{
    /// <summary>
    /// How long a refused client is given: one with the cluster's certificate connects in well under a second, and a
    /// refused one stops trying after its <see cref="ArgusClientOptions.ConnectTimeout"/> (5 s here).
    /// </summary>
    private static readonly TimeSpan RefusalBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_silos_form_one_cluster_and_a_client_with_the_clusters_certificate_reaches_each_silos_device()
    {
        await using var client = await ClientHost.StartAsync(o =>
        {
            o.Redis = cluster.Redis!.ConnectionString;
            o.Tls = cluster.Authority.Issue("client");
        });
        var management = client.Orleans.GetGrain<IManagementGrain>(0);
        await Eventually.HoldsAsync(async () => (await management.GetHosts(onlyActive: true)).Count == cluster.Silos.Count,
            TimeSpan.FromSeconds(30), "both silos to be active in the membership");

        IReadOnlyList<DeviceKey> devices = [];
        await Eventually.HoldsAsync(async () => (devices = await DeviceKeysAsync(cluster.Silos[0])).Count == cluster.Silos.Count,
            TimeSpan.FromSeconds(30), "a silo to list both silos' devices");
        Assert.Equal(cluster.Silos.Select(s => s.Name).Order(), devices.Select(d => d.Silo).Order());
        // The client holds one gateway per call; a device on the other silo is reached silo to silo, over TLS too.
        foreach (var device in devices)
        {
            var result = await client.Client.InferAsync(device, "resnet18", [InferenceInput.FromImage(TestData.Image("apple.jpg"))]);

            Assert.Equal(device.ToString(), result.Device);
            Assert.Null(result.Items.Single().Error);
        }
    }

    [Fact]
    public async Task A_client_without_a_certificate_is_refused()
    {
        await AssertRefusedAsync(new ArgusTlsOptions());
    }

    [Fact]
    public async Task A_client_whose_certificate_another_authority_issued_is_refused()
    {
        // It trusts the cluster's authority too, so the gateway's certificate passes: only its own is wrong.
        var stranger = cluster.Stranger.Issue("client");
        var bundle = Path.Combine(cluster.Stranger.Folder, "both-ca.crt");
        await File.WriteAllTextAsync(bundle, await File.ReadAllTextAsync(cluster.Stranger.CertificatePath) + await File.ReadAllTextAsync(cluster.Authority.CertificatePath));
        stranger.CertificateAuthority = bundle;

        await AssertRefusedAsync(stranger);
    }

    [Fact]
    public async Task The_api_answers_https_to_a_client_trusting_the_authority_and_nothing_in_plaintext()
    {
        var silo = cluster.Silos[0];
        using var https = silo.CreateHttpClient();
        using var plain = new HttpClient { Timeout = RefusalBound };
        using var systemTrust = new HttpClient { Timeout = RefusalBound };

        Assert.Equal("https", silo.BaseAddress.Scheme);
        Assert.Equal(HttpStatusCode.OK, (await https.GetAsync("healthz")).StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync($"http://127.0.0.1:{silo.HttpPort}/healthz"));
        // The cluster's authority is its own: a client that trusts only the system's roots does not trust the silo.
        await Assert.ThrowsAsync<HttpRequestException>(() => systemTrust.GetAsync(new Uri(silo.BaseAddress, "healthz")));
    }

    private async Task AssertRefusedAsync(ArgusTlsOptions tls)
    {
        using var bound = new CancellationTokenSource(RefusalBound);

        var refusal = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var client = await ClientHost.StartAsync(o =>
            {
                o.Redis = cluster.Redis!.ConnectionString;
                o.Tls = tls;
                o.ConnectTimeout = TimeSpan.FromSeconds(5);
            }, bound.Token);
        });

        // The start itself fails: it is not left waiting until the bound cancels it.
        Assert.False(bound.IsCancellationRequested, $"the start outlasted {RefusalBound}: {refusal}");
    }

    /// <summary>The cluster's devices, as <paramref name="silo"/> lists them over HTTPS.</summary>
    private static async Task<IReadOnlyList<DeviceKey>> DeviceKeysAsync(SiloProcess silo)
    {
        using var http = silo.CreateHttpClient();
        var devices = JsonDocument.Parse(await http.GetStringAsync("v1/devices")).RootElement;
        return [.. devices.EnumerateArray().Select(d => DeviceKey.Parse(d.GetProperty("key").GetString()!))];
    }
}
