using Argus.Security;
using Argus.Testing;

namespace Argus.Silo.Tests.Hosting;

/// <summary><c>Argus:Tls</c> checked at start: every wrong setting listed, none found on the first connection.</summary>
public sealed class ArgusTlsOptionsValidatorTests : IDisposable
{
    private readonly ArgusTlsOptionsValidator _validator = new();
    private readonly TestCertificateAuthority _authority = TestCertificateAuthority.Create("argus");
    private readonly TestCertificateAuthority _stranger = TestCertificateAuthority.Create("stranger");

    public void Dispose()
    {
        _authority.Dispose();
        _stranger.Dispose();
    }

    [Fact]
    public void No_TLS_settings_is_plaintext_and_valid()
    {
        var options = new ArgusTlsOptions();

        Assert.False(options.Enabled);
        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void A_certificate_its_key_and_the_authority_that_issued_it_are_valid()
    {
        var result = _validator.Validate(null, _authority.Issue("silo"));

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void A_certificate_alone_lists_both_missing_settings()
    {
        var result = _validator.Validate(null, new ArgusTlsOptions { Certificate = _authority.Issue("silo").Certificate });

        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("Argus:Tls:Key is needed", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Argus:Tls:CertificateAuthority is needed", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_missing_file_is_named()
    {
        var missing = Path.Combine(_authority.Folder, "missing");
        var result = _validator.Validate(null, new ArgusTlsOptions { Certificate = missing + ".crt", Key = missing + ".key", CertificateAuthority = missing + "-ca.crt" });

        Assert.Equal(
            [
                $"Argus:Tls:Certificate names no readable file (is '{missing}.crt').",
                $"Argus:Tls:Key names no readable file (is '{missing}.key').",
                $"Argus:Tls:CertificateAuthority names no readable file (is '{missing}-ca.crt').",
            ],
            result.Failures!);
    }

    [Fact]
    public void A_key_that_belongs_to_another_certificate_is_refused()
    {
        var silo = _authority.Issue("silo");
        silo.Key = _authority.Issue("other").Key;

        var failure = Assert.Single(_validator.Validate(null, silo).Failures!);
        Assert.StartsWith($"Argus:Tls: Certificate ('{silo.Certificate}') and Key ('{silo.Key}') do not load as a PEM certificate and its private key", failure);
    }

    [Fact]
    public void An_authority_file_without_a_certificate_is_refused()
    {
        var silo = _authority.Issue("silo");
        silo.CertificateAuthority = silo.Key; // a PEM file, but a key

        var failure = Assert.Single(_validator.Validate(null, silo).Failures!);
        Assert.Equal($"Argus:Tls: CertificateAuthority ('{silo.Key}') holds no PEM certificate.", failure);
    }

    [Fact]
    public void A_certificate_another_authority_issued_is_refused_at_start_not_on_every_connection()
    {
        var silo = _stranger.Issue("silo");
        silo.CertificateAuthority = _authority.CertificatePath;

        var failure = Assert.Single(_validator.Validate(null, silo).Failures!);
        Assert.StartsWith($"Argus:Tls:Certificate ('{silo.Certificate}') does not chain to Argus:Tls:CertificateAuthority ('{_authority.CertificatePath}'): ", failure);
    }
}
