using Argus.Security;
using Argus.Testing;
using Microsoft.Extensions.Hosting;

namespace Argus.Client.Tests;

/// <summary>The SDK's TLS settings, checked when the client is added, before it dials anything.</summary>
public sealed class ClientTlsTests : IDisposable
{
    private readonly TestCertificateAuthority _authority = TestCertificateAuthority.Create("argus");

    public void Dispose() => _authority.Dispose();

    [Fact]
    public void Incomplete_or_wrong_TLS_settings_are_refused_with_every_problem()
    {
        var tls = _authority.Issue("client");
        var missing = Path.Combine(_authority.Folder, "missing.key");

        var refusal = Assert.Throws<ArgumentException>(() => Host.CreateApplicationBuilder().AddArgusClient(o =>
            o.Tls = new ArgusTlsOptions { Certificate = tls.Certificate, Key = missing }));

        Assert.Contains($"Tls:Key names no readable file (is '{missing}').", refusal.Message);
        Assert.Contains("Tls:CertificateAuthority is needed", refusal.Message);
    }

    [Fact]
    public void A_certificate_from_the_authority_is_taken()
    {
        var builder = Host.CreateApplicationBuilder();

        builder.AddArgusClient(o => o.Tls = _authority.Issue("client"));

        using var host = builder.Build();
        Assert.NotNull(host.Services.GetService(typeof(IArgusClient)));
    }
}
