namespace Argus.Security;

/// <summary>
/// TLS with mutual authentication (<c>Argus:Tls</c> on a silo, <c>ArgusClientOptions.Tls</c> in the SDK): this process's
/// certificate and private key, and the certificate authority every peer's certificate must chain to. PEM files, as a
/// Kubernetes Secret of type <c>kubernetes.io/tls</c> carries them (<c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c>).
/// Unset (all three empty): plaintext, as before.
/// </summary>
public sealed class ArgusTlsOptions
{
    /// <summary>The silo's configuration section.</summary>
    public const string Section = "Argus:Tls";

    /// <summary>
    /// Path of this process's certificate (PEM), presented to peers; may be followed by its intermediates. A silo's
    /// certificate serves both ends of a connection (other silos dial it, it dials them, clients dial its gateway), so it
    /// needs the server and the client authentication usages if it names usages at all.
    /// </summary>
    public string? Certificate { get; set; }

    /// <summary>Path of the certificate's private key (PEM, PKCS#8 or PKCS#1, unencrypted).</summary>
    public string? Key { get; set; }

    /// <summary>
    /// Path of the certificate authority (PEM, one or more certificates) that peers' certificates must chain to; the
    /// system's trusted roots are not consulted.
    /// </summary>
    public string? CertificateAuthority { get; set; }

    /// <summary>Whether TLS is configured: any of the three set (the validator asks for all three).</summary>
    public bool Enabled =>
        !string.IsNullOrWhiteSpace(Certificate) || !string.IsNullOrWhiteSpace(Key) || !string.IsNullOrWhiteSpace(CertificateAuthority);
}
