using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Argus.Security;

namespace Argus.Testing;

/// <summary>
/// A throwaway certificate authority in a temporary folder of its own (deleted when disposed): its certificate as
/// <c>ca.crt</c>, and leaf certificates it issues as PEM pairs, laid out as a Kubernetes TLS Secret is.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly ECDsa _key;
    private readonly X509Certificate2 _certificate;

    private TestCertificateAuthority(string folder, ECDsa key, X509Certificate2 certificate)
    {
        Folder = folder;
        _key = key;
        _certificate = certificate;
        CertificatePath = Path.Combine(folder, "ca.crt");
        File.WriteAllText(CertificatePath, certificate.ExportCertificatePem());
    }

    /// <summary>The folder holding the authority's and its leaves' files.</summary>
    public string Folder { get; }

    /// <summary>The authority's certificate (PEM).</summary>
    public string CertificatePath { get; }

    /// <summary>A new authority named <paramref name="name"/>, valid from a day ago for a year.</summary>
    public static TestCertificateAuthority Create(string name)
    {
        var folder = Directory.CreateTempSubdirectory($"argus-ca-{name}-").FullName;
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return new TestCertificateAuthority(folder, key, request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1)));
    }

    /// <summary>
    /// Issues a certificate for <paramref name="name"/> (server and client authentication, for loopback), writes it and
    /// its key beside the authority, and returns the TLS settings that name the three files.
    /// </summary>
    public ArgusTlsOptions Issue(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client authentication
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(_certificate, now.AddHours(-1), now.AddDays(30), RandomNumberGenerator.GetBytes(16));
        var options = new ArgusTlsOptions
        {
            Certificate = Path.Combine(Folder, $"{name}.crt"),
            Key = Path.Combine(Folder, $"{name}.key"),
            CertificateAuthority = CertificatePath,
        };
        File.WriteAllText(options.Certificate, certificate.ExportCertificatePem());
        File.WriteAllText(options.Key, key.ExportPkcs8PrivateKeyPem());
        return options;
    }

    /// <summary>The settings as a silo's environment variables (<c>Argus__Tls__*</c>).</summary>
    public static Dictionary<string, string> SiloSettings(ArgusTlsOptions tls) => new()
    {
        ["Argus__Tls__Certificate"] = tls.Certificate!,
        ["Argus__Tls__Key"] = tls.Key!,
        ["Argus__Tls__CertificateAuthority"] = tls.CertificateAuthority!,
    };

    /// <summary>Deletes the folder.</summary>
    public void Dispose()
    {
        _certificate.Dispose();
        _key.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
