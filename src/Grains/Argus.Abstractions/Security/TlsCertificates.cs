using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace Argus.Security;

/// <summary>
/// The certificates of <see cref="ArgusTlsOptions"/>, loaded, and the one rule every Argus TLS connection follows, at
/// both ends (silo to silo, client to gateway, HTTPS from the CLI): each side presents its certificate, and a peer is
/// trusted when its certificate chains to the configured authority. The authority is the cluster's own, so the host
/// name is not checked: any certificate it signed belongs to the cluster.
/// </summary>
public sealed class TlsCertificates : IDisposable
{
    private TlsCertificates(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        Certificate = certificate;
        Authorities = authorities;
    }

    /// <summary>This process's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificates peers' certificates must chain to.</summary>
    public X509Certificate2Collection Authorities { get; }

    /// <summary>Loads the PEM files <paramref name="options"/> names.</summary>
    /// <exception cref="CryptographicException">A file is not PEM, the key does not belong to the certificate, or the authority file holds no certificate.</exception>
    public static TlsCertificates Load(ArgusTlsOptions options)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(options.Certificate!, options.Key);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException) // ArgumentException: the key is another certificate's
        {
            throw new CryptographicException(
                $"Certificate ('{options.Certificate}') and Key ('{options.Key}') do not load as a PEM certificate and its private key: {e.Message}", e);
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(options.CertificateAuthority!);
        }
        catch (CryptographicException e)
        {
            certificate.Dispose();
            throw new CryptographicException($"CertificateAuthority ('{options.CertificateAuthority}') does not load as PEM certificates: {e.Message}", e);
        }

        if (authorities.Count == 0)
        {
            certificate.Dispose();
            throw new CryptographicException($"CertificateAuthority ('{options.CertificateAuthority}') holds no PEM certificate.");
        }

        return new TlsCertificates(certificate, authorities);
    }

    /// <summary>Whether <paramref name="remote"/> chains to <see cref="Authorities"/>.</summary>
    public bool Trusts(X509Certificate2 remote) => ChainProblem(remote) is null;

    /// <summary>Why <paramref name="certificate"/> does not chain to <see cref="Authorities"/> (expired, another issuer), or null when it does.</summary>
    public string? ChainProblem(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        // A private authority publishes no revocation list; rotate by reissuing under a new authority.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate)
            ? null
            : string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).DefaultIfEmpty("no chain"));
    }

    /// <summary>
    /// Sets Orleans' TLS to the rule above: <paramref name="certificates"/>' certificate on both ends of a connection, a
    /// certificate required from the peer and trusted only when it chains to the authority. Read through a function so a
    /// silo loads its files on its first connection, after the start-up check has listed what is wrong with them.
    /// </summary>
    public static void Configure(TlsOptions tls, Func<TlsCertificates> certificates)
    {
        tls.LocalServerCertificateSelector = (_, _) => certificates().Certificate;
        tls.LocalClientCertificateSelector = (_, _, _, _, _) => certificates().Certificate;
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.RemoteCertificateValidation = (remote, _, _) => certificates().Trusts(remote);
    }

    /// <summary>
    /// An HTTP handler that loads the files <paramref name="options"/> names, presents the certificate and trusts a server
    /// whose certificate chains to the authority, over <paramref name="inner"/> (default: a new one); it frees the
    /// certificates when disposed.
    /// </summary>
    public static HttpMessageHandler CreateHttpHandler(ArgusTlsOptions options, SocketsHttpHandler? inner = null)
    {
        var certificates = Load(options);
        inner ??= new SocketsHttpHandler();
        inner.SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = [certificates.Certificate],
            RemoteCertificateValidationCallback = (_, remote, _, _) => remote is X509Certificate2 certificate && certificates.Trusts(certificate),
        };
        return new OwningHandler(certificates, inner);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var authority in Authorities)
        {
            authority.Dispose();
        }
    }

    private sealed class OwningHandler(TlsCertificates certificates, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing)
            {
                certificates.Dispose();
            }
        }
    }
}
