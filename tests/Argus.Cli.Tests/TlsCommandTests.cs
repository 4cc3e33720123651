using Argus.Security;
using Argus.Testing;

namespace Argus.Cli.Tests;

/// <summary>One silo with <c>Argus:Tls</c> (a simulated device, certificates from a throwaway authority).</summary>
public sealed class TlsSiloFixture : IAsyncLifetime
{
    public TestCertificateAuthority Authority { get; } = TestCertificateAuthority.Create("argus");

    public SiloProcess? Silo { get; private set; }

    /// <summary>The CLI's own certificate, issued by the silo's authority.</summary>
    public ArgusTlsOptions Client { get; private set; } = new();

    public async Task InitializeAsync()
    {
        var settings = TestCertificateAuthority.SiloSettings(Authority.Issue("silo"));
        settings["Argus__Inference__Sim__Devices"] = "1";
        Silo = await SiloProcess.StartAsync("tls-0", settings);
        Client = Authority.Issue("cli");
    }

    public async Task DisposeAsync()
    {
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        Authority.Dispose();
    }
}

/// <summary>The argus command against a silo with TLS: its certificate for the gateway and for HTTPS.</summary>
public sealed class TlsCommandTests(TlsSiloFixture fixture) : IClassFixture<TlsSiloFixture>
{
    private string[] TlsArguments(ArgusTlsOptions tls) =>
        ["--gateway", fixture.Silo!.GatewayPort.ToString(), "--tls-cert", tls.Certificate!, "--tls-key", tls.Key!, "--tls-ca", tls.CertificateAuthority!];

    [Fact]
    public async Task With_its_certificate_the_cli_reaches_the_gateway_and_the_https_api()
    {
        await Eventually.HoldsAsync(async () => (await CapturedConsole.RunAsync([.. TlsArguments(fixture.Client), "status"])).Code == 0,
            TimeSpan.FromSeconds(30), "the status over the TLS gateway");

        var (code, output) = await CapturedConsole.RunAsync([.. TlsArguments(fixture.Client), "autoscale", "status", "--url", fixture.Silo!.BaseAddress.ToString()]);
        Assert.True(code == 0, output);
        Assert.Contains("holding 1", output);
    }

    [Fact]
    public async Task Without_a_certificate_the_cli_is_refused_by_the_gateway_and_says_so_within_its_connect_timeout()
    {
        // Orleans' own retries would keep the command waiting, without a word, for 3 minutes.
        var run = CapturedConsole.RunAsync(["--gateway", fixture.Silo!.GatewayPort.ToString(), "status"]);
        var (code, output) = await run.WaitAsync(TimeSpan.FromSeconds(90));

        Assert.Equal(2, code);
        Assert.Contains("Cannot reach the cluster within 10 s", output);
        Assert.Contains("A silo with TLS refuses a client without --tls-cert, --tls-key and --tls-ca.", output);
    }

    [Fact]
    public async Task A_missing_key_is_named_before_anything_connects()
    {
        var tls = fixture.Client;
        string[] partial = ["--gateway", fixture.Silo!.GatewayPort.ToString(), "--tls-cert", tls.Certificate!, "--tls-ca", tls.CertificateAuthority!];

        var (code, output) = await CapturedConsole.RunAsync([.. partial, "status"]);
        Assert.Equal(2, code);
        Assert.Contains("Tls:Key is needed", output);

        (code, output) = await CapturedConsole.RunAsync([.. partial, "autoscale", "status", "--url", fixture.Silo.BaseAddress.ToString()]);
        Assert.Equal(2, code);
        Assert.Contains("Tls:Key is needed", output);
    }
}
